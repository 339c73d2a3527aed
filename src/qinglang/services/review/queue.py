"""Claims are leases: one atomic UPDATE takes a case only while nobody holds an unexpired lease on it, so two
reviewers never get the same case, and a claim abandoned past its lease returns to the queue by itself.
On PostgreSQL the candidate row is picked with ``FOR UPDATE SKIP LOCKED`` so concurrent claimers never wait on
each other; SQLite serialises writers, which gives the same guarantee."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from qinglang.errors import Conflict
from qinglang.services.review.audit import record
from qinglang.services.review.cases import get_case
from qinglang.services.review.users import User
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Case

CLAIMABLE = ("open", "claimed")


def _free(now):
    return and_(Case.status.in_(CLAIMABLE), or_(Case.claimed_by.is_(None), Case.lease_expires_at < now))


def claim_next(session: Session, user: User, *, lease_seconds: int, queue: str | None = None) -> Case | None:
    """Claim the highest-priority free case this user's rank may take; keep a claim the user already holds."""
    now = utcnow()
    held = session.execute(
        select(Case).where(Case.claimed_by == user.id, Case.status == "claimed", Case.lease_expires_at >= now).limit(1)
    ).scalar_one_or_none()
    if held is not None:
        return held
    pick = select(Case.id).where(_free(now), Case.tier <= max(user.rank, 0))
    if queue:
        pick = pick.where(Case.queue == queue)
    pick = pick.order_by(Case.priority.desc(), Case.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    for _ in range(5):
        case_id = session.execute(pick).scalar()
        if case_id is None:
            return None
        if _take(session, case_id, user, now, lease_seconds):
            return get_case(session, case_id)
    return None


def claim_case(session: Session, case_id: int, user: User, *, lease_seconds: int) -> Case:
    """Claim one named case; refused while someone else holds its lease."""
    now = utcnow()
    case = get_case(session, case_id)
    if case.claimed_by == user.id and case.status == "claimed":
        case.lease_expires_at = now + timedelta(seconds=lease_seconds)
        return case
    if case.tier > max(user.rank, 0):
        raise Conflict("this case was escalated above your role; a senior or lead reviews it", code="case_escalated")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    if not _take(session, case_id, user, now, lease_seconds):
        raise Conflict("another reviewer holds this case; take the next one", code="case_claimed")
    session.refresh(case)
    return case


def _take(session: Session, case_id: int, user: User, now, lease_seconds: int) -> bool:
    stmt = (
        update(Case)
        .where(Case.id == case_id, _free(now))
        .values(claimed_by=user.id, status="claimed", lease_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if session.execute(stmt).rowcount != 1:
        return False
    record(session, user.actor, "case.claimed", "case", case_id, lease_seconds=lease_seconds)
    return True


def release(session: Session, case: Case, user: User) -> None:
    if case.claimed_by != user.id:
        raise Conflict("you do not hold this case", code="case_not_yours")
    case.claimed_by, case.lease_expires_at, case.status = None, None, "open"
    record(session, user.actor, "case.released", "case", case.id)


def require_claim(case: Case, user: User) -> None:
    """A decision needs the decider to hold an unexpired lease on the case."""
    if case.status != "claimed" or case.claimed_by != user.id or case.lease_expires_at < utcnow():
        raise Conflict("claim this case (key c) before deciding; your lease may have expired", code="claim_required")


def reap_expired_leases(session: Session) -> int:
    """Return abandoned claims to the queue (they are claimable anyway; this makes the queue page honest)."""
    now = utcnow()
    rows = session.execute(select(Case).where(Case.status == "claimed", Case.lease_expires_at < now)).scalars().all()
    for case in rows:
        record(session, "worker", "case.lease_expired", "case", case.id, reviewer_id=case.claimed_by)
        case.claimed_by, case.lease_expires_at, case.status = None, None, "open"
    return len(rows)
