"""Licences with storage: submitted (checked against the catalogue, the scan through the safe image path), moved
through their verification by :func:`qinglang.qualification.transition`, persisted by compare-and-set.

``advance(session, licence_id, event)`` is the only way a licence's status changes, and works like
``services.review.case_store.advance``: read the row, ask the rules, ``UPDATE licences SET ..., version = version + 1
WHERE id = :id AND version = :read``; when another transaction moved the licence in between, read it again and ask
the rules again, which now refuse a repeat (a second "verify" finds it verified) with the refusal's code. Every
accepted move is an audit event, and the accounts of the licence's operator are re-assessed in the same transaction
(:mod:`~qinglang.services.qualification.standing`), so a verified licence lifts a qualification restriction at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.errors import Conflict, NotFound
from qinglang.qualification import (
    Actor,
    Event,
    Expire,
    HeldLicence,
    LicenceFacts,
    LicenceStatus,
    Refusal,
    VerificationState,
    require_licence,
    submit,
    transition,
)
from qinglang.services.qualification.context import QualificationContext
from qinglang.services.qualification.operators import get_operator_row, operator_kind
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.qualification import LicenceRow
from qinglang.storage.tables.review import Media

ATTEMPTS = 5
QUEUE_STATES = (LicenceStatus.SUBMITTED, LicenceStatus.UNDER_REVIEW)


@dataclass(frozen=True, slots=True)
class Scan:
    """A scanned document after the safe image path (re-encoded JPEG, metadata stripped)."""

    sha256: str
    width: int
    height: int
    data: bytes


def state_of(row: LicenceRow) -> VerificationState:
    """The row as the rules see it."""
    def actor(key: str | None) -> Actor | None:
        return Actor.parse(key) if key else None

    return VerificationState(LicenceStatus(row.status), Actor.parse(row.submitted_by), row.submitted_at,
                             row.valid_from, row.valid_until, actor(row.reviewer_id), row.lease_expires_at,
                             actor(row.decided_by), row.decided_at, row.reason or "", row.version)


def held(row: LicenceRow) -> HeldLicence:
    return HeldLicence(str(row.id), row.kind, state_of(row))


def get_licence(session: Session, licence_id: int, *, fresh: bool = False) -> LicenceRow:
    row = session.get(LicenceRow, licence_id, populate_existing=fresh)
    if row is None:
        raise NotFound(f"no licence {licence_id}", code="licence_not_found")
    return row


def submit_licence(session: Session, operator_id: str, facts: LicenceFacts, scan: Scan | None, by: Actor,
                   ctx: QualificationContext, *, now: datetime, actor: str) -> LicenceRow:
    """Store a new licence, ``submitted``: the facts checked (``invalid_licence`` lists every bad field), the scan
    stored as media. Nothing the caller says makes it verified."""
    operator = get_operator_row(session, operator_id)
    facts = require_licence(ctx.catalogue, facts, operator_kind(operator.kind))
    state = submit(by, now, valid_from=facts.valid_from, valid_until=facts.valid_until)
    if isinstance(state, Refusal):
        raise state.error()
    media_id = _store_scan(session, scan) if scan is not None else None
    row = LicenceRow(operator_id=operator.id, kind=facts.kind, number=facts.number, issuer=facts.issuer,
                     scope=list(facts.scope), valid_from=facts.valid_from, valid_until=facts.valid_until,
                     scan_media_id=media_id, status=state.status.value, submitted_by=by.key, submitted_at=now,
                     reason="", version=0)
    session.add(row)
    session.flush()
    append_audit_event(session, actor, "licence.submitted", "licence", row.id,
                       {"operator_id": operator.id, "kind": row.kind, "valid_until": _day(row.valid_until),
                        "scan_media_id": media_id})
    _reassess(session, row.operator_id, ctx, now)
    return row


def _store_scan(session: Session, scan: Scan) -> int:
    media = Media(sha256=scan.sha256, mime="image/jpeg", width=scan.width, height=scan.height, data=scan.data)
    session.add(media)
    session.flush()
    return media.id


def advance(session: Session, licence_id: int, event: Event, ctx: QualificationContext, *, actor: str,
            reassess_now: bool = True) -> LicenceRow:
    """Apply ``event`` to the licence once, or raise the refusal's error (see the module docstring). With
    ``reassess_now=False`` the operator's accounts are only made due, for the worker to assess in batches."""
    for attempt in range(ATTEMPTS):
        row = get_licence(session, licence_id, fresh=attempt > 0)
        before = state_of(row)
        after = transition(before, event)
        if isinstance(after, Refusal):
            raise after.error()
        if _save(session, row, before, after):
            session.refresh(row)
            data = {"from": before.status.value, "to": after.status.value, "version": after.version}
            if after.reason and after.decided_at == getattr(event, "now", None):
                data["reason"] = after.reason
            append_audit_event(session, actor, event.action, "licence", row.id, data)
            if reassess_now:
                _reassess(session, row.operator_id, ctx, event.now)
            else:
                _make_due(session, row.operator_id, event.now)
            return row
    raise Conflict("this licence is changing quickly; reload it and try again", code="licence_busy")


def _save(session: Session, row: LicenceRow, before: VerificationState, after: VerificationState) -> bool:
    key = lambda a: a.key if a is not None else None  # noqa: E731
    values = {"status": after.status.value, "submitted_at": after.submitted_at, "valid_from": after.valid_from,
              "valid_until": after.valid_until, "reviewer_id": key(after.reviewer),
              "lease_expires_at": after.lease_expires_at, "decided_by": key(after.decided_by),
              "decided_at": after.decided_at, "reason": after.reason, "version": after.version}
    return compare_and_set(session, LicenceRow, row.id, {"version": before.version}, values)


def _reassess(session: Session, operator_id: str, ctx: QualificationContext, now: datetime) -> None:
    from qinglang.services.qualification import standing

    standing.reassess_operator(session, operator_id, ctx, now)


def _make_due(session: Session, operator_id: str, now: datetime) -> None:
    from qinglang.services.qualification import standing

    standing.make_due(session, operator_id, now)


def expire_due(session: Session, ctx: QualificationContext, now: datetime, *, limit: int = 100) -> int:
    """Record :class:`Expire` on verified licences whose end date has passed (a worker duty, safe to run at once
    on many workers: the second finds the licence expired and is refused). The operator's accounts are made due,
    so ``standing.review_due`` restricts them in batches rather than all in this transaction."""
    candidates = session.execute(
        select(LicenceRow.id).where(LicenceRow.status == LicenceStatus.VERIFIED, LicenceRow.valid_until.is_not(None),
                                    LicenceRow.valid_until <= now.date()).order_by(LicenceRow.id).limit(limit)
    ).scalars().all()
    done = 0
    for licence_id in candidates:
        row = get_licence(session, licence_id, fresh=True)
        if isinstance(transition(state_of(row), Expire(now)), Refusal):
            continue  # not past its end in China time yet, or another worker expired it
        try:
            advance(session, licence_id, Expire(now), ctx, actor="worker", reassess_now=False)
            done += 1
        except Conflict:
            continue
    return done


def list_licences(session: Session, operator_id: str) -> Sequence[LicenceRow]:
    return session.execute(select(LicenceRow).where(LicenceRow.operator_id == operator_id)
                           .order_by(LicenceRow.id)).scalars().all()


def queue(session: Session, *, limit: int = 100) -> Sequence[LicenceRow]:
    """Licences waiting for a reviewer, oldest submission first: the qualification queue."""
    return session.execute(select(LicenceRow).where(LicenceRow.status.in_([s.value for s in QUEUE_STATES]))
                           .order_by(LicenceRow.submitted_at, LicenceRow.id).limit(limit)).scalars().all()


def _day(value) -> str | None:
    return value.isoformat() if value else None
