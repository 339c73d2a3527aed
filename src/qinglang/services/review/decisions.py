"""Reviewer decisions with editorial responsibility: a reason is required, the decider is recorded, severe
actions (close, blacklist) wait for a second approver of senior rank, disagreement escalates to a lead, and
calibration cases with known answers measure each reviewer's agreement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.services.review import enforcement, reports, rewards
from qinglang.services.review.audit import record
from qinglang.services.review.cases import get_case, record_manual_decision
from qinglang.services.review.queue import require_claim
from qinglang.services.review.users import User, require_rank
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Approval, Case, CaseDecision

CHOICES = ("pass", "escalate", *enforcement.ACTION_KINDS)


@dataclass(frozen=True, slots=True)
class Outcome:
    case_id: int
    status: str
    action_ids: tuple[int, ...] = ()
    approval_id: int | None = None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput("a reason is required for every decision", code="reason_required")
    return reason[:2000]


def decide(
    session: Session,
    case_id: int,
    user: User,
    choice: str,
    reason: str,
    *,
    review,
    params: dict[str, Any] | None = None,
) -> Outcome:
    require_rank(user, "reviewer")
    reason = _reason(reason)
    if choice not in CHOICES:
        raise InvalidInput(f"unknown decision {choice!r}; use one of {', '.join(CHOICES)}", code="decision_unknown")
    case = get_case(session, case_id)
    require_claim(case, user)
    agrees = (choice == case.known_answer) if case.known_answer else None
    session.add(
        CaseDecision(case_id=case.id, reviewer_id=user.id, stage="review", choice=choice, reason=reason, agrees=agrees)
    )
    record(session, user.actor, "case.decided", "case", case.id, choice=choice, reason=reason)
    if case.known_answer:
        return _close(case, user, "calibration")
    if choice == "pass":
        reports.settle_reports(session, case.id, verified=False)
        record_manual_decision(session, case, "pass", user.actor)
        return _close(case, user, "no_violation")
    if choice == "escalate":
        case.tier, case.status, case.claimed_by, case.lease_expires_at = min(case.tier + 1, 2), "open", None, None
        return Outcome(case.id, "escalated")
    return _enforce(session, case, user, choice, reason, review, params or {})


def _close(case: Case, user: User | None, outcome: str, action_ids: tuple[int, ...] = ()) -> Outcome:
    case.status, case.outcome, case.closed_at = "closed", outcome, utcnow()
    case.claimed_by, case.lease_expires_at = None, None
    if user is not None:
        case.decided_by = user.id
    return Outcome(case.id, "closed", action_ids)


def _target_for(case: Case, kind: str, params: dict[str, Any]) -> tuple[str, str]:
    wants = enforcement.ACTION_KINDS[kind][0]
    if wants == "content":
        if case.target_kind != "content":
            raise InvalidInput(f"{kind} applies to an article; this case is about an account", code="action_target")
        return "content", case.target_id
    if wants == "account":
        if not case.account_id:
            raise InvalidInput("the account of this article is unknown to qinglang", code="action_target")
        return "account", case.account_id
    return params.get("list_kind", "account"), params.get("value") or case.account_id or case.target_id


def _enforce(session, case: Case, user: User, kind: str, reason: str, review, params) -> Outcome:
    action_ids = []
    record_manual_decision(session, case, "block", user.actor)
    if case.target_kind == "content" and kind not in ("take_down", "disable_links"):
        # a stronger step against the account also takes the article off the shelves
        action_ids.append(_act(session, case, user, "take_down", reason, review, {}, None).id)
    _verify(session, case, review)
    lead_resolves = case.tier >= 2 and user.rank >= 2
    if kind in enforcement.SEVERE_KINDS and not lead_resolves:
        _target_for(case, kind, params)
        approval = Approval(case_id=case.id, kind=kind, params=params, requested_by=user.id, reason=reason)
        session.add(approval)
        session.flush()
        case.status, case.outcome, case.decided_by = "pending_approval", "violation", user.id
        case.claimed_by, case.lease_expires_at = None, None
        record(session, user.actor, "approval.requested", "approval", approval.id, case_id=case.id, kind=kind)
        return Outcome(case.id, "pending_approval", tuple(action_ids), approval.id)
    action_ids.append(_act(session, case, user, kind, reason, review, params, None).id)
    return _close(case, user, "violation", tuple(action_ids))


def _act(session, case: Case, user: User, kind: str, reason: str, review, params, approver: int | None):
    target_kind, target_id = _target_for(case, kind, params)
    return enforcement.apply_action(
        session,
        kind=kind,
        target_kind=target_kind,
        target_id=target_id,
        actor=user.actor,
        reason=reason,
        account_id=case.account_id,
        case_id=case.id,
        decided_by=user.id if approver is None else None,
        approved_by=approver,
        params=params,
        review=review,
    )


def _verify(session: Session, case: Case, review) -> None:
    settled = reports.settle_reports(session, case.id, verified=True)
    if settled:
        rewards.credit_case(
            session, case, settled, amount=review.reward_cents, monthly_cap=review.reward_cap_cents_per_month
        )


def get_approval(session: Session, approval_id: int) -> Approval:
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound(f"no approval {approval_id}", code="approval_not_found")
    return approval


def settle_approval(session: Session, approval_id: int, user: User, agree: bool, reason: str, *, review) -> Outcome:
    """A second senior approves (the action is applied) or disagrees (the case goes to a lead)."""
    require_rank(user, "senior")
    reason = _reason(reason)
    approval = get_approval(session, approval_id)
    if approval.status != "pending":
        raise Conflict(f"this approval is already {approval.status}", code="approval_settled")
    if approval.requested_by == user.id:
        raise Forbidden("two-person rule: a different senior reviewer must approve", code="two_person_rule")
    case = get_case(session, approval.case_id)
    approval.decided_by = user.id
    session.add(
        CaseDecision(
            case_id=case.id,
            reviewer_id=user.id,
            stage="approval",
            choice=approval.kind if agree else "disagree",
            reason=reason,
            agrees=agree,
        )
    )
    if not agree:
        approval.status = "escalated"
        case.status, case.tier = "open", 2
        record(session, user.actor, "approval.escalated", "approval", approval.id, reason=reason)
        return Outcome(case.id, "escalated", (), approval.id)
    approval.status = "approved"
    record(session, user.actor, "approval.approved", "approval", approval.id, reason=reason)
    action = _act(session, case, user, approval.kind, approval.reason, review, approval.params, user.id)
    action.decided_by = approval.requested_by
    case.status, case.closed_at = "closed", utcnow()
    return Outcome(case.id, "closed", (action.id,), approval.id)


def list_pending_approvals(session: Session):
    return session.execute(select(Approval).where(Approval.status == "pending").order_by(Approval.id)).scalars().all()
