"""Claims are leases: a reviewer takes a case through the case state machine (``Claim``), persisted by
compare-and-set, so two reviewers never hold one case; an abandoned claim is claimable once its lease runs out
and the worker returns it to the queue (``LeaseExpired``).

``claim_next`` picks candidates by priority; on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so concurrent
claimers skip each other's candidates instead of waiting. A candidate that someone else claimed first is
refused by the rules (``case_claimed``) and the next one is tried.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import Assign, CaseStatus, Claim, LeaseExpired, Release
from qinglang.errors import Conflict
from qinglang.services.certification import certificates
from qinglang.services.review.case_store import advance, get_case
from qinglang.services.review.users import User
from qinglang.services.review.views import CaseSummary, case_summary
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import Case

CANDIDATES = 30  # cases tried per claim_next before giving up (each a fresh pick)


def _free(now):
    return or_(Case.status == CaseStatus.OPEN,
               and_(Case.status == CaseStatus.CLAIMED, Case.lease_expires_at < now))


def claim_next(session: Session, user: User, *, lease_seconds: int, queue: str | None = None,
               certification=None) -> CaseSummary | None:
    """Claim the highest-priority free case this user's rank may take (and, while ``certification.required``
    is on, in a category they are certified for); keep a claim the user already holds."""
    now = utcnow()
    held = session.execute(select(Case.id).where(Case.claimed_by == user.id, Case.status == CaseStatus.CLAIMED,
                                                 Case.lease_expires_at >= now).limit(1)).scalar()
    if held is not None:
        return claim_case(session, held, user, lease_seconds=lease_seconds, certification=certification)
    allowed = None
    if certification is not None and certification.required and not certificates.exempt(user):
        allowed = certificates.certified_categories(session, user.id)
    tried: list[int] = []
    for _ in range(CANDIDATES):
        case_id = session.execute(_pick(session, user, now, queue, tried, allowed)).scalar()
        if case_id is None:
            return None
        try:
            return claim_case(session, case_id, user, lease_seconds=lease_seconds, certification=certification)
        except Conflict:
            tried.append(case_id)  # someone claimed it between our pick and our claim: pick again
    return None


def _pick(session: Session, user: User, now, queue: str | None, tried: list[int], allowed: list[str] | None = None):
    pick = select(Case.id).where(_free(now), Case.tier <= max(user.rank, 0))
    if allowed is not None:
        pick = pick.where(Case.queue.in_(allowed))
    if queue:
        pick = pick.where(Case.queue == queue)
    if tried:
        pick = pick.where(Case.id.not_in(tried))
    pick = pick.order_by(Case.priority.desc(), Case.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    return pick


def claim_case(session: Session, case_id: int, user: User, *, lease_seconds: int,
               certification=None) -> CaseSummary:
    """Claim one named case (or renew one's own lease); refused while someone else holds it, and (while
    ``certification.required`` is on) to a reviewer not certified in its category (``certification_required``)."""
    certificates.require_may_claim(session, user, get_case(session, case_id).queue, certification)
    moved = advance(session, case_id, Claim(user.reviewer, utcnow(), lease_seconds))
    append_audit_event(session, user.actor, "case.claimed", "case", case_id, {"lease_seconds": lease_seconds})
    return case_summary(moved.case)


ASSIGNMENT_LEASE_SECONDS = 8 * 3600  # an assigned case waits a working day for its reviewer, then returns


def assign(session: Session, case_id: int, by: User, to: User, *, certification=None,
           lease_seconds: int = ASSIGNMENT_LEASE_SECONDS) -> CaseSummary:
    """A senior or lead gives a case to ``to`` (reassigning it if someone holds it); ``to`` must be certified in
    its category while ``certification.required`` is on."""
    case = get_case(session, case_id)
    certificates.require_may_claim(session, to, case.queue, certification)
    before = case.claimed_by
    moved = advance(session, case_id, Assign(by.reviewer, to.reviewer, utcnow(), lease_seconds))
    append_audit_event(session, by.actor, "case.assigned", "case", case_id,
                       {"to": to.username, "from_user_id": before, "lease_seconds": lease_seconds})
    return case_summary(moved.case)


def release(session: Session, case_id: int, user: User) -> None:
    advance(session, case_id, Release(user.reviewer))
    append_audit_event(session, user.actor, "case.released", "case", case_id)


def reap_expired_leases(session: Session, *, limit: int = 100) -> int:
    """Return abandoned claims to the queue (they are claimable anyway; this makes the queue page honest)."""
    now = utcnow()
    rows = session.execute(select(Case.id, Case.claimed_by).where(Case.status == CaseStatus.CLAIMED,
                                                                  Case.lease_expires_at < now).limit(limit)).all()
    reaped = 0
    for case_id, reviewer_id in rows:
        try:
            advance(session, case_id, LeaseExpired(now))
        except Conflict:
            continue  # renewed or decided meanwhile
        append_audit_event(session, "worker", "case.lease_expired", "case", case_id, {"reviewer_id": reviewer_id})
        reaped += 1
    return reaped
