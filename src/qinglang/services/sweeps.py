"""Sweeps: from a confirmed case or an ad-hoc seed, find related contents and open a case for each.

``start_sweep`` works in two transactions:

1. **Find** (reads; may write fingerprints the index heals): resolve the seed to a text fingerprint, target
   keys and an account; then near-duplicates from the corpus index (:mod:`qinglang.services.similarity`),
   contents with an image within ``IMAGE_RADIUS`` bits of one of the seed's (PDQ radius search over the
   graph's image hashes), the other chapters of the seed's book, contents whose drainage edges point at one of
   the targets, and the contents of other accounts of the seed account's operator. Findings merge into one hit per content (:func:`qinglang.domain.sweeps.merge`).
2. **Record**: the sweep row, one item per hit, and a case in the ``sweep`` queue for each hit through the one
   way to open a case (``cases.open_case_noting``): a content with an open case keeps it (the item links to
   it, ``case_opened`` false). The audit log gets ``sweep.completed`` beside each ``case.opened``.

Two sweeps of the same seed at the same moment open each case once (the open-case unique index decides) and
each records what it found.

Over a large corpus the find step takes minutes, so the API (and ``qinglang sweep start --queue``) does not run
it: it checks the seed (:func:`check_seed`) and queues the sweep, and the review worker runs it through the same
``find`` and ``record`` (:mod:`qinglang.services.sweep_jobs`). ``start_sweep`` runs both steps where it is
called: ``qinglang sweep start`` (no server needed) and the automatic sweeps, already inside the worker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.review import CaseOutcome, CaseSource, TargetKind
from qinglang.domain.review.vocabulary import SWEEP_QUEUE
from qinglang.domain.sweeps import Finding, ReasonKind, SeedKind, SweepHit, SweepStatus, merge, seed_label
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.services import drainage, similarity
from qinglang.services.review import cases
from qinglang.similarity import ImageHashIndex, TextFingerprint, fingerprint
from qinglang.similarity.images import pack
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, ContentVersionRow
from qinglang.storage.tables.drainage import DrainageEdgeRow, DrainageTargetRow
from qinglang.storage.tables.review import Case
from qinglang.storage.tables.similarity import SweepItemRow, SweepRow

MAX_SEED_TEXT = 100_000
_TARGET_SEEDS = {SeedKind.QR_PAYLOAD: "qr_payload", SeedKind.CONTACT: "contact", SeedKind.DOMAIN: "domain",
                 SeedKind.URL: "url", SeedKind.IMAGE_HASH: "image_hash"}
IMAGE_RADIUS = 31  # bits of 256: the register's image_hash threshold


@dataclass(frozen=True, slots=True)
class Seed:
    kind: SeedKind
    value: str


@dataclass(frozen=True, slots=True)
class _Resolved:
    """What a seed says to look for."""

    label: str
    case_id: int | None = None
    severity: int = 2
    fingerprint: TextFingerprint | None = None
    target_ids: tuple[int, ...] = ()
    account_id: str | None = None
    own_contents: tuple[str, ...] = ()
    book_id: str | None = None
    term: str | None = None


@dataclass(frozen=True, slots=True)
class SweepItemView:
    content_id: str
    account_id: str | None
    reason_kind: str
    reason: str
    score: float | None
    case_id: int | None
    case_opened: bool


@dataclass(frozen=True, slots=True)
class SweepView:
    id: int
    seed_kind: str
    seed_value: str
    seed_case_id: int | None
    status: str
    found: int
    opened: int
    started_by: str
    created_at: datetime
    items: tuple[SweepItemView, ...] = ()
    error: str = ""  # why a failed sweep failed
    finished_at: datetime | None = None
    attempts: int = 0  # how many times a worker claimed it (0: it ran in the process that started it)


def parse_seed(kind: str, value: Any) -> Seed:
    """A seed from its kind name and value; ``invalid_sweep_seed`` for anything unusable."""
    try:
        seed_kind = SeedKind(kind)
    except ValueError:
        raise InvalidInput(f"unknown seed kind {str(kind)[:40]!r}; use one of {', '.join(SeedKind)}",
                           code="invalid_sweep_seed") from None
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InvalidInput("a sweep seed needs a value", code="invalid_sweep_seed")
    if seed_kind == SeedKind.CASE and not (text.isdigit() and 0 < int(text) < 2**31):
        raise InvalidInput("a case seed is the case's number", code="invalid_sweep_seed")
    if len(text) > MAX_SEED_TEXT:
        raise InvalidInput(f"a sweep seed is at most {MAX_SEED_TEXT} characters", code="invalid_sweep_seed")
    if seed_kind == SeedKind.IMAGE_HASH:
        try:
            pack(text)
        except ValueError as exc:
            raise InvalidInput(f"an image_hash seed is a PDQ hash: {exc}", code="invalid_sweep_seed") from None
        text = text.lower()
    return Seed(seed_kind, text)


def seed_from_fields(fields: dict[str, Any]) -> Seed:
    """The seed named by exactly one of ``case_id``, ``text``, ``image_hash``, ``qr_payload``, ``contact``,
    ``domain``, ``url`` (the others ``None``)."""
    given = {k: v for k, v in fields.items() if v is not None}
    if len(given) != 1:
        names = ", ".join(k if k != "case" else "case_id" for k in SeedKind)
        raise InvalidInput(f"give exactly one seed of {names}; got {len(given)}", code="invalid_sweep_seed")
    (name, value), = given.items()
    return parse_seed("case" if name == "case_id" else name, value)


# --- find ------------------------------------------------------------------------------------------------


def _newest_version(session: Session, content_id: str) -> ContentVersionRow | None:
    stmt = select(ContentVersionRow).where(ContentVersionRow.content_id == content_id)
    return session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar_one_or_none()


def _resolve_case(session: Session, case_id: int) -> _Resolved:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    _confirmed(case)
    version = _newest_version(session, case.target_id)
    if version is None:
        raise Conflict(f"case #{case_id}'s content {case.target_id!r} is not stored; sweep its text instead",
                       code="sweep_seed_not_confirmed")
    targets = session.scalars(select(DrainageEdgeRow.target_id).where(
        DrainageEdgeRow.content_version_id == version.pk)).all()
    return _Resolved(f"case #{case_id}", case_id, case.severity, fingerprint(similarity.version_text(version)),
                     tuple(targets), version.account_id, (case.target_id,), version.book_id)


def _confirmed(case: Case) -> None:
    if case.outcome != CaseOutcome.VIOLATION or case.target_kind != TargetKind.CONTENT:
        raise Conflict(f"case #{case.id} is not a confirmed violation by a content; a sweep starts from a case "
                       "closed as a violation, or from a text or target", code="sweep_seed_not_confirmed")


def _resolve_target(session: Session, kind: str, value: str) -> tuple[int, ...]:
    stored = drainage.normalise_target(kind, value)
    digest = hashlib.sha256(stored.encode("utf-8")).hexdigest()
    stmt = select(DrainageTargetRow.id).where(DrainageTargetRow.kind == kind, DrainageTargetRow.value_hash == digest)
    found = tuple(session.scalars(stmt).all())
    if kind == "contact" and ":" not in stored:  # a register contact has no platform prefix: any wechat:/qq:/...
        stmt = select(DrainageTargetRow.id).where(DrainageTargetRow.kind == kind,
                                                  DrainageTargetRow.value.endswith(":" + stored, autoescape=True))
        found = tuple(dict.fromkeys((*found, *session.scalars(stmt))))
    return found


def _resolve(session: Session, seed: Seed) -> _Resolved:
    if seed.kind == SeedKind.CASE:
        return _resolve_case(session, int(seed.value))
    label = seed_label(seed.kind, seed.value)
    if seed.kind == SeedKind.TEXT:
        return _Resolved(label, fingerprint=fingerprint(seed.value))
    if seed.kind == SeedKind.TERM:
        return _Resolved(label, term=seed.value)
    return _Resolved(label, target_ids=_resolve_target(session, _TARGET_SEEDS[seed.kind], seed.value))


def _near_duplicates(session: Session, seed: _Resolved, batch: Any | None) -> list[Finding]:
    if seed.fingerprint is None or seed.fingerprint.size == 0:
        return []
    found = []
    for m in similarity.near_duplicates(session, seed.fingerprint, batch):
        score = max(m.similarity, m.containment)
        reason = (f"near-duplicate {score:.2f} of {seed.label} "
                  f"(similarity {m.similarity:.2f}, containment {m.containment:.2f})")
        found.append(Finding(m.key.content_id, m.key.version_pk, m.key.account_id, ReasonKind.NEAR_DUPLICATE,
                             reason, round(score, 4)))
    return found


def _seed_image_hashes(session: Session, seed: _Resolved) -> list[str]:
    if not seed.target_ids:
        return []
    stmt = select(DrainageTargetRow.value).where(DrainageTargetRow.id.in_(seed.target_ids),
                                                 DrainageTargetRow.kind == "image_hash")
    return list(session.scalars(stmt))


def _near_images(session: Session, seed: _Resolved, hashes: list[str]) -> list[Finding]:
    """Contents with an image within ``IMAGE_RADIUS`` bits of one of the seed's (the same hash included)."""
    if not hashes:
        return []
    stored = [(tid, value) for tid, value in session.execute(select(DrainageTargetRow.id, DrainageTargetRow.value)
                                                             .where(DrainageTargetRow.kind == "image_hash"))
              if _is_pdq(value)]
    index = ImageHashIndex(stored)
    near: dict[int, int] = {}
    for value in hashes:
        for m in index.within(value, IMAGE_RADIUS):
            near[m.key] = min(near.get(m.key, 256), m.distance)
    if not near:
        return []
    stmt = (select(ContentVersionRow.content_id, ContentVersionRow.pk, ContentVersionRow.account_id,
                   DrainageEdgeRow.target_id)
            .join(DrainageEdgeRow, DrainageEdgeRow.content_version_id == ContentVersionRow.pk)
            .where(DrainageEdgeRow.target_id.in_(near)).order_by(ContentVersionRow.pk))
    return [Finding(cid, pk, account, ReasonKind.NEAR_IMAGE,
                    f"an image {near[tid]} bits from an image of {seed.label}", round(1 - near[tid] / 256, 4))
            for cid, pk, account, tid in session.execute(stmt)]


def _is_pdq(value: str) -> bool:
    try:
        pack(value)
    except ValueError:
        return False
    return True


def _shared_targets(session: Session, seed: _Resolved) -> list[Finding]:
    if not seed.target_ids:
        return []
    stmt = (select(ContentVersionRow.content_id, ContentVersionRow.pk, ContentVersionRow.account_id,
                   DrainageTargetRow.kind, DrainageTargetRow.value)
            .join(DrainageEdgeRow, DrainageEdgeRow.content_version_id == ContentVersionRow.pk)
            .join(DrainageTargetRow, DrainageTargetRow.id == DrainageEdgeRow.target_id)
            .where(DrainageEdgeRow.target_id.in_(seed.target_ids)).order_by(ContentVersionRow.pk))
    return [Finding(cid, pk, account, ReasonKind.SHARED_TARGET, f"shares {kind} {value} with {seed.label}")
            for cid, pk, account, kind, value in session.execute(stmt)]


def _same_book(session: Session, seed: _Resolved) -> list[Finding]:
    if seed.book_id is None:
        return []
    newest = (select(func.max(ContentVersionRow.pk)).where(ContentVersionRow.book_id == seed.book_id)
              .group_by(ContentVersionRow.content_id).scalar_subquery())
    stmt = select(ContentVersionRow).where(ContentVersionRow.pk.in_(newest)).order_by(ContentVersionRow.pk)
    return [Finding(v.content_id, v.pk, v.account_id, ReasonKind.SAME_BOOK,
                    f"chapter {v.chapter if v.chapter is not None else '?'} of book {seed.book_id}, as {seed.label}")
            for v in session.scalars(stmt)]


def _same_operator(session: Session, seed: _Resolved) -> list[Finding]:
    if seed.account_id is None:
        return []
    operator = session.scalar(select(AccountRow.operator_id).where(AccountRow.id == seed.account_id))
    if operator is None:
        return []
    newest = (select(func.max(ContentVersionRow.pk)).join(AccountRow, AccountRow.id == ContentVersionRow.account_id)
              .where(AccountRow.operator_id == operator, AccountRow.id != seed.account_id)
              .group_by(ContentVersionRow.content_id).scalar_subquery())
    stmt = select(ContentVersionRow).where(ContentVersionRow.pk.in_(newest)).order_by(ContentVersionRow.pk)
    return [Finding(v.content_id, v.pk, v.account_id, ReasonKind.SAME_OPERATOR,
                    f"account {v.account_id} of operator {operator}, who runs the account of {seed.label}")
            for v in session.scalars(stmt)]


TERM_PAGE = 1000


def _containing_term(session: Session, seed: _Resolved) -> list[Finding]:
    """The newest version of every content whose normalised title or text holds the term (as the register
    matches it at screening), read a page at a time."""
    if not seed.term:
        return []
    from qinglang.text.normalize import normalize_text
    from qinglang.text.terms import TermMatcher

    matcher = TermMatcher([normalize_text(seed.term)])
    newest = select(func.max(ContentVersionRow.pk)).group_by(ContentVersionRow.content_id)
    found, after = [], 0
    while True:
        rows = session.execute(select(ContentVersionRow.pk, ContentVersionRow.content_id, ContentVersionRow.account_id,
                                      ContentVersionRow.title, ContentVersionRow.body_text)
                               .where(ContentVersionRow.pk.in_(newest), ContentVersionRow.pk > after)
                               .order_by(ContentVersionRow.pk).limit(TERM_PAGE)).all()
        if not rows:
            return found
        for pk, content_id, account, title, text in rows:
            if any(matcher.find(normalize_text(part)) for part in (title, text) if part):
                found.append(Finding(content_id, pk, account, ReasonKind.CONTAINS_TERM,
                                     f"contains {seed.label}"))
        after = rows[-1][0]


def find(session: Session, seed: Seed, batch: Any | None = None) -> tuple[_Resolved, list[SweepHit]]:
    """What a sweep from ``seed`` would find (nothing is opened); the near-duplicate search runs on the batch
    engine ``batch`` (``BatchSettings``) names, in this process when ``None``."""
    resolved = _resolve(session, seed)
    images = [seed.value] if seed.kind == SeedKind.IMAGE_HASH else _seed_image_hashes(session, resolved)
    findings = (_near_duplicates(session, resolved, batch) + _near_images(session, resolved, images)
                + _same_book(session, resolved) + _shared_targets(session, resolved)
                + _containing_term(session, resolved) + _same_operator(session, resolved))
    return resolved, merge(findings, exclude=resolved.own_contents)


# --- record ----------------------------------------------------------------------------------------------


def record(session: Session, seed: Seed, resolved: _Resolved, hits: list[SweepHit], *, actor: str,
            sla_hours: dict[str, int], sweep: SweepRow | None = None) -> int:
    """Record what a sweep found and open its cases: into the queued sweep ``sweep`` a worker runs (its status
    already set by the lease's release), or into a new ``completed`` sweep when it ran where it was started."""
    if sweep is None:
        sweep = SweepRow(seed_kind=seed.kind.value, seed_value=seed.value, status=SweepStatus.COMPLETED,
                         started_by=actor[:128], created_at=utcnow())
        session.add(sweep)
    sweep.seed_case_id, sweep.found, sweep.opened, sweep.finished_at = resolved.case_id, len(hits), 0, utcnow()
    session.flush()
    opened = 0
    for hit in hits:
        new = cases.NewCase(TargetKind.CONTENT, hit.content_id, CaseSource.SWEEP, SWEEP_QUEUE, resolved.severity,
                            title=f"sweep #{sweep.id}: {hit.reason}"[:500], body=hit.reason)
        case, was_opened = cases.open_case_noting(session, new, sla_hours=sla_hours, actor=actor)
        opened += was_opened
        session.add(SweepItemRow(sweep_id=sweep.id, content_id=hit.content_id, content_version_pk=hit.version_pk,
                                 account_id=hit.account_id, reason_kind=hit.kind.value, reason=hit.reason,
                                 score=hit.score, case_id=case.id, case_opened=was_opened))
    sweep.opened = opened
    session.flush()
    append_audit_event(session, actor, "sweep.completed", "sweep", sweep.id,
                       {"seed": f"{seed.kind.value}:{seed.value[:200]}", "seed_case_id": resolved.case_id,
                        "found": len(hits), "opened": opened})
    return sweep.id


def check_seed(session: Session, seed: Seed) -> int | None:
    """Refuse a seed a sweep could not start from, before it is queued, with the errors a sweep gives
    (``case_not_found``, ``sweep_seed_not_confirmed``); the seed case's id, if any. Cheap: nothing is searched."""
    if seed.kind != SeedKind.CASE:
        return None
    case = session.get(Case, int(seed.value))
    if case is None:
        raise NotFound(f"no case {seed.value}", code="case_not_found")
    _confirmed(case)
    if _newest_version(session, case.target_id) is None:
        raise Conflict(f"case #{case.id}'s content {case.target_id!r} is not stored; sweep its text instead",
                       code="sweep_seed_not_confirmed")
    return case.id


def preview(sessions: sessionmaker[Session], seed: Seed, *, batch: Any | None = None) -> list[SweepHit]:
    """What a sweep from ``seed`` would find, recording and opening nothing (``--dry-run``)."""
    with transaction(sessions) as session:
        return find(session, seed, batch)[1]


def start_sweep(sessions: sessionmaker[Session], seed: Seed, *, actor: str, sla_hours: dict[str, int],
                on_recorded: Callable[[Session, int], None] | None = None, batch: Any | None = None) -> SweepView:
    """Run a sweep from ``seed``: find, then record the sweep and open its cases. Returns the stored sweep.

    ``on_recorded(session, sweep_id)`` runs in the recording transaction, so what it writes commits with the
    sweep or not at all (the automatic sweeps mark their claim done this way); raising there undoes the sweep.
    ``batch`` (``BatchSettings``) says where the near-duplicate search runs (see ``find``)."""
    with transaction(sessions) as session:
        resolved, hits = find(session, seed, batch)
    with transaction(sessions) as session:
        sweep_id = record(session, seed, resolved, hits, actor=actor, sla_hours=sla_hours)
        if on_recorded is not None:
            on_recorded(session, sweep_id)
        return get_sweep(session, sweep_id)


# --- read ------------------------------------------------------------------------------------------------


def _view(row: SweepRow, items: tuple[SweepItemView, ...] = ()) -> SweepView:
    return SweepView(row.id, row.seed_kind, row.seed_value, row.seed_case_id, row.status, row.found, row.opened,
                     row.started_by, row.created_at, items, error=row.error or "", finished_at=row.finished_at,
                     attempts=row.attempts or 0)


def get_sweep(session: Session, sweep_id: int) -> SweepView:
    """A sweep with its items, strongest reasons first; ``sweep_not_found`` when there is none."""
    row = session.get(SweepRow, sweep_id)
    if row is None:
        raise NotFound(f"no sweep {sweep_id}", code="sweep_not_found")
    rows = session.scalars(select(SweepItemRow).where(SweepItemRow.sweep_id == sweep_id).order_by(SweepItemRow.id))
    items = tuple(SweepItemView(r.content_id, r.account_id, r.reason_kind, r.reason, r.score, r.case_id,
                                r.case_opened) for r in rows)
    return _view(row, items)


def list_sweeps(session: Session, *, limit: int = 50) -> list[SweepView]:
    """The newest sweeps first, without their items."""
    stmt = select(SweepRow).order_by(SweepRow.id.desc()).limit(max(1, min(limit, 500)))
    return [_view(r) for r in session.scalars(stmt)]
