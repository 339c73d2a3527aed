"""Content versions: store a version with its signals, decision and shadow difference in one transaction.

Idempotent on ``(content_id, version)``: the same payload again returns the stored record (``replayed``);
the same pair with different content is a ``content_version_conflict``. Without a version, the content hash
is the version.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.model import ContentItem, Decision
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.services import books, drainage, records, similarity
from qinglang.services.images import image_label, remote_image_refs
from qinglang.services.qualification import quality
from qinglang.services.review import article_images, cases
from qinglang.services.screening import ScreeningService
from qinglang.similarity import fingerprint
from qinglang.similarity.batch import content_text
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event, canonical_json
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, OperatorRow, ShadowDecisionRow

CONTENT_KINDS = ("article", "chapter")


@dataclass(frozen=True, slots=True)
class ContentSubmission:
    """One content version as the platform submits it."""

    content_id: str
    version: str | None = None
    account_id: str | None = None
    kind: str = "article"
    title: str = ""
    text: str = ""
    html: str = ""
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    original_link: str | None = None
    book_id: str | None = None
    chapter: int | None = None

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of every submitted field except the id and version."""
        fields = asdict(self)
        fields.pop("content_id")
        fields.pop("version")
        fields["images"] = list(self.images)
        fields["links"] = list(self.links)
        return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()

    def to_item(self) -> ContentItem:
        return ContentItem(
            id=self.content_id,
            title=self.title,
            text=self.text,
            html=self.html,
            images=remote_image_refs(self.images),
            links=self.links,
            original_link=self.original_link,
            account_id=self.account_id,
            book_id=self.book_id,
            chapter=self.chapter,
        )


@dataclass(frozen=True, slots=True)
class SubmitResult:
    record: dict[str, Any]
    replayed: bool = False
    created: bool = field(default=False)


def submit_content(
    sessions: sessionmaker[Session],
    screening: ScreeningService,
    submission: ContentSubmission,
    *,
    actor: str,
    review_sla_hours: dict[str, int] | None = None,
) -> SubmitResult:
    """Screen and store one content version, or return the stored one if this exact version was seen.

    With ``review_sla_hours`` (the review settings' SLA by severity), a ``review`` verdict also opens a case
    for a reviewer in the same transaction, and its ``data:`` images are kept for the case page
    (``review.article_images``).
    """
    _validate(submission)
    content_hash = submission.content_hash()
    submission = replace(submission, version=submission.version or content_hash)
    with transaction(sessions) as session:
        replay = _find_replay(session, submission, content_hash)
        if replay is not None:
            return SubmitResult(record=replay, replayed=True)
        _require_account(session, submission.account_id)
        standing = account_standing(session, submission.account_id)
    item = submission.to_item()  # decodes and hashes every data: image once
    result = screening.screen(item, standing)
    fp = fingerprint(content_text(item))  # CPU work, kept out of the transaction
    kept = article_images.prepare(submission.images) if review_sla_hours is not None else ()
    try:
        with transaction(sessions) as session:
            row = _store(session, submission, item, content_hash, result, fp, actor=actor)
            if review_sla_hours is not None:
                article_images.store(session, kept)  # the case page shows the article's own images
                cases.open_for_decision(session, submission.content_id, result.decision, sla_hours=review_sla_hours,
                                        actor=actor)
            return SubmitResult(record=records.content_record(session, row), created=True)
    except IntegrityError:
        # a concurrent submission of the same version won the race: answer as for a replay
        with transaction(sessions) as session:
            replay = _find_replay(session, submission, content_hash)
        if replay is None:
            raise
        return SubmitResult(record=replay, replayed=True)


def _validate(submission: ContentSubmission) -> None:
    if not submission.content_id.strip():
        raise InvalidInput("content_id must not be empty", code="invalid_request")
    if submission.kind not in CONTENT_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(CONTENT_KINDS)}", code="invalid_request")
    remote_image_refs(submission.images)


def _find_replay(session: Session, submission: ContentSubmission, content_hash: str) -> dict[str, Any] | None:
    row = _find_version_row(session, submission.content_id, submission.version)
    if row is None:
        return None
    if row.content_hash != content_hash:
        raise Conflict(
            f"content {submission.content_id!r} version {submission.version!r} was already stored with different "
            "content; send a new version number for changed content",
            code="content_version_conflict",
        )
    return records.content_record(session, row)


def _require_account(session: Session, account_id: str | None) -> None:
    if account_id is not None and session.get(AccountRow, account_id) is None:
        raise InvalidInput(
            f"account {account_id!r} does not exist; create it first with POST /v1/accounts", code="unknown_account"
        )


def account_standing(session: Session, account_id: str | None) -> Any:
    """What screening should know about the account behind an item: status (and why), grade, operator keys."""
    if account_id is None:
        return None
    from qinglang.pipeline.standing import AccountStanding
    from qinglang.services.qualification.operators import operator_keys

    account = session.get(AccountRow, account_id)
    operator = session.get(OperatorRow, account.operator_id) if account.operator_id else None
    keys = operator_keys(session, operator.id, operator.identity_digest) if operator is not None else set()
    return AccountStanding(account.id, account.status, account.quality_grade, tuple(sorted(keys)),
                           _status_reason(session, account))


def _status_reason(session: Session, account: AccountRow) -> str:
    if account.status not in ("suspended", "closed"):
        return ""
    from qinglang.storage.tables.review import Action

    reason = session.execute(select(Action.reason).where(
        Action.target_kind == "account", Action.target_id == account.id, Action.kind.in_(("suspend", "close")),
        Action.status == "active").order_by(Action.id.desc()).limit(1)).scalar()
    return reason or f"the account is {account.status}"


def _store(
    session: Session, sub: ContentSubmission, item: ContentItem, content_hash: str, result: Any, fp: Any, *,
    actor: str,
) -> ContentVersionRow:
    """Write the version, its signals, drainage edges, text fingerprint, decision, shadow difference and audit
    events; a chapter refreshes its book's roll-up."""
    row = _version_row(sub, content_hash)
    session.add(row)
    session.flush()
    stored = {"content_id": sub.content_id, "version": sub.version, "content_hash": content_hash}
    _audit(session, actor, "content.stored", row.pk, stored)
    records.add_signals(session, row.pk, result.decision)
    ok_signals = [s for o in result.decision.outcomes if o.status == "ok" for s in o.signals]
    drainage.record_edges(session, row.pk, sub.account_id, ok_signals)
    quality.assess_version(session, row, item, ok_signals)
    similarity.store_fingerprint(session, row.pk, fp)
    decision = records.add_decision(session, row.pk, result.decision)
    made = {
        "decision_id": decision.id,
        "verdict": decision.verdict,
        "category": decision.category,
        "rules": decision.rules,
        "decided_by": decision.decided_by,
    }
    _audit(session, actor, "decision.made", row.pk, made)
    _store_shadow(session, row.pk, result.decision, getattr(result, "shadow", None))
    if sub.book_id:
        books.refresh_book(session, sub.book_id)
    return row


def _version_row(sub: ContentSubmission, content_hash: str) -> ContentVersionRow:
    return ContentVersionRow(
        content_id=sub.content_id,
        version=sub.version,
        account_id=sub.account_id,
        kind=sub.kind,
        title=sub.title,
        body_text=sub.text,
        body_html=sub.html,
        images=[image_label(ref) for ref in sub.images],
        links=list(sub.links),
        original_link=sub.original_link,
        book_id=sub.book_id,
        chapter=sub.chapter,
        content_hash=content_hash,
    )


def _audit(session: Session, actor: str, action: str, version_pk: int, data: dict[str, Any]) -> None:
    append_audit_event(
        session, actor=actor, action=action, subject_type="content_version", subject_id=str(version_pk), data=data
    )


def _store_shadow(session: Session, version_pk: int, live: Decision, shadow: Decision | None) -> None:
    if shadow is None or (shadow.verdict, shadow.category) == (live.verdict, live.category):
        return
    session.add(
        ShadowDecisionRow(
            content_version_id=version_pk,
            live_verdict=live.verdict.value,
            live_category=live.category.value,
            shadow_verdict=shadow.verdict.value,
            shadow_category=shadow.category.value,
            live_policy_id=live.policy_id,
            live_policy_version=live.policy_version,
            shadow_policy_id=shadow.policy_id,
            shadow_policy_version=shadow.policy_version,
        )
    )
    session.flush()


def _find_version_row(session: Session, content_id: str, version: str | None) -> ContentVersionRow | None:
    stmt = select(ContentVersionRow).where(ContentVersionRow.content_id == content_id)
    if version is not None:
        stmt = stmt.where(ContentVersionRow.version == version)
    else:
        stmt = stmt.order_by(ContentVersionRow.received_at.desc(), ContentVersionRow.pk.desc()).limit(1)
    return session.execute(stmt).scalars().first()


def get_content(session: Session, content_id: str, version: str | None = None) -> dict[str, Any]:
    """The latest (or the given) version of a content, with its current decision and its signals."""
    row = _find_version_row(session, content_id, version)
    if row is None:
        which = f"version {version!r} of content" if version else "content"
        raise NotFound(f"{which} {content_id!r} does not exist", code="content_not_found")
    return records.content_record(session, row)
