"""Overdue cases escalate by themselves: a worker duty.

A live case still open past its SLA deadline is raised to the senior tier (``RequireTier``), so the seniors'
queue shows it and a junior's stale claim on it is released. The move goes through ``case_store.advance``
(compare-and-set), and each escalation is one ``case.escalated`` audit event by ``worker`` naming the deadline
it missed. A case already at the senior tier or higher is left alone, so running the duty again, or on many
workers at once, escalates each case once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import CaseStatus, RequireTier
from qinglang.errors import Conflict
from qinglang.services.review.case_store import advance
from qinglang.services.review.users import find_reviewer
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import Case

SENIOR_TIER = 1  # a case at this tier is claimable by seniors and leads only


def overdue_query(now: datetime, *, below_tier: int | None = SENIOR_TIER):
    """Live cases still open (or claimed) whose SLA deadline has passed."""
    stmt = select(Case).where(Case.status.in_((CaseStatus.OPEN, CaseStatus.CLAIMED)), Case.known_answer.is_(None),
                              Case.sla_due_at < now)
    return stmt.where(Case.tier < below_tier) if below_tier is not None else stmt


def escalate_overdue(session: Session, *, now: datetime | None = None, limit: int = 100) -> int:
    """Raise every overdue case below the senior tier to it; how many were raised."""
    now = now or utcnow()
    pick = overdue_query(now).order_by(Case.sla_due_at, Case.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    raised = 0
    for case in session.execute(pick).scalars().all():
        holder = find_reviewer(session, case.claimed_by)
        try:
            moved = advance(session, case.id, RequireTier(SENIOR_TIER, holder.rank if holder else None))
        except Conflict:
            continue  # decided or closed meanwhile
        if moved.before.tier >= SENIOR_TIER:
            continue  # another worker raised it first
        append_audit_event(session, "worker", "case.escalated", "case", case.id,
                           {"reason": "overdue", "tier": moved.after.tier, "sla_due_at": case.sla_due_at.isoformat(),
                            "released_claim": moved.before.claimed_by is not None and moved.after.claimed_by is None})
        raised += 1
    return raised
