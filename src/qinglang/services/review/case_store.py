"""Moving a case: read its state, ask :func:`qinglang.domain.review.transition`, persist the answer by
compare-and-set.

``advance(session, case_id, event)`` is the only way a case's status, tier, claim or outcome changes:

1. read the row and what the rules need besides (the pending approval, the action kinds already taken);
2. ``transition(state, event)``; a refusal becomes its error;
3. ``UPDATE review_cases SET ... , version = version + 1 WHERE id = :id AND version = :read`` — the
   transaction's first write. If another transaction moved the case in between, no row matches: read the case
   again and ask the rules again, which now refuse a repeat (a second click on "take down" finds the case
   closed) or allow an unrelated move;
4. return the case row, refreshed, and the effects for the caller to carry out in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import (
    ActionKind,
    ActionStatus,
    ApprovalStatus,
    CaseOutcome,
    CaseState,
    CaseStatus,
    Effect,
    Event,
    Moved,
    PendingApproval,
    Refusal,
    TargetKind,
    transition,
)
from qinglang.errors import Conflict, NotFound
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Action, Approval, Case

ATTEMPTS = 5  # reads of a case that keeps moving under us before giving up with case_busy
_FIELDS = ("status", "tier", "claimed_by", "lease_expires_at", "outcome", "decided_by")


@dataclass(frozen=True, slots=True)
class Advanced:
    case: Case
    before: CaseState
    after: CaseState
    effects: tuple[Effect, ...]


def get_case(session: Session, case_id: int, *, fresh: bool = False) -> Case:
    case = session.get(Case, case_id, populate_existing=fresh)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case


def load_state(session: Session, case: Case) -> CaseState:
    pending = session.execute(
        select(Approval.kind, Approval.requested_by)
        .where(Approval.case_id == case.id, Approval.status == ApprovalStatus.PENDING).order_by(Approval.id.desc())
    ).first()
    kinds = session.execute(
        select(Action.kind).where(Action.case_id == case.id, Action.status == ActionStatus.ACTIVE)
    ).scalars()
    return CaseState(
        status=CaseStatus(case.status), tier=case.tier, claimed_by=case.claimed_by,
        lease_expires_at=case.lease_expires_at, outcome=CaseOutcome(case.outcome) if case.outcome else None,
        decided_by=case.decided_by, target_kind=TargetKind(case.target_kind), has_account=bool(case.account_id),
        calibration=case.known_answer is not None,
        pending=PendingApproval(ActionKind(pending[0]), pending[1]) if pending else None,
        enforced=frozenset(ActionKind(k) for k in kinds if k != ActionKind.REVERT), version=case.version,
    )


def advance(session: Session, case_id: int, event: Event) -> Advanced:
    """Apply ``event`` to the case once, or raise the refusal's error (see the module docstring)."""
    for attempt in range(ATTEMPTS):
        case = get_case(session, case_id, fresh=attempt > 0)
        before = load_state(session, case)
        moved = transition(before, event)
        if isinstance(moved, Refusal):
            raise moved.error()
        if _save(session, case, before, moved):
            session.refresh(case)
            return Advanced(case, before, moved.state, moved.effects)
    raise Conflict("this case is changing quickly; reload it and try again", code="case_busy")


def _save(session: Session, case: Case, before: CaseState, moved: Moved) -> bool:
    after = moved.state
    values = {name: getattr(after, name) for name in _FIELDS}
    values["version"] = after.version
    if after.status is CaseStatus.CLOSED and before.status is not CaseStatus.CLOSED:
        values["closed_at"] = utcnow()
    return compare_and_set(session, Case, case.id, {"version": before.version}, values)
