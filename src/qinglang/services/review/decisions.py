"""Reviewer decisions with editorial responsibility, written like the screener: parse, ask the rules, carry out
what they asked for.

1. **Parse** the answer (``pass``, ``escalate`` or an action kind) and the reason; a suspension's days.
2. **Move the case** through ``case_store.advance`` — the pure transition, persisted by compare-and-set. Two
   identical decisions racing (a double click, two workers) reach this step together; one moves the case and
   the other is refused (``case_closed``), so what follows happens once.
3. **Record** the decision (the reviewer, the stage, the reason, whether it matches a calibration answer).
4. **Carry out the effects** the transition returned, in order, in the same transaction: the content's new
   current decision, the reports settled (and rewards credited), the approval requested, the actions applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from qinglang.domain.review import (
    CHOICES,
    ESCALATE,
    PASS,
    ActionKind,
    ActionTarget,
    ApprovalStatus,
    Approve,
    Decide,
    DecisionStage,
    Disagree,
    Enforce,
    Escalate,
    RecordVerdict,
    RequestApproval,
    SettleReports,
    TargetKind,
)
from qinglang.domain.review.vocabulary import ACTIONS
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput, NotFound
from qinglang.services import books
from qinglang.services.certification import certificates
from qinglang.services.review import cases, enforcement, reports, rewards
from qinglang.services.review.case_store import Advanced, advance
from qinglang.services.review.users import User
from qinglang.services.review.views import Outcome
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import Approval, Case, CaseDecision

MAX_REASON_CHARS = 2000


@dataclass(frozen=True, slots=True)
class _Context:
    """What carrying out effects needs besides the effect."""

    user: User
    reason: str
    review: Any
    params: dict[str, Any] = field(default_factory=dict)


def require_reason(reason: str) -> str:
    reason = require_text(reason or "", "reason").strip()
    if len(reason) < 2:
        raise InvalidInput("a reason is required for every decision", code="reason_required")
    return reason[:MAX_REASON_CHARS]


def parse_choice(choice: str):
    if choice not in CHOICES:
        raise InvalidInput(f"unknown decision {choice!r}; use one of {', '.join(CHOICES)}", code="decision_unknown")
    return None if choice == PASS else (ESCALATE if choice == ESCALATE else ActionKind(choice))


def decide(session: Session, case_id: int, user: User, choice: str, reason: str, *, review,
           params: dict[str, Any] | None = None, certification=None) -> Outcome:
    """A reviewer's answer on a case they hold. An answer on a live calibration case may withdraw the
    reviewer's certificate in its category when agreement dropped (given ``certification`` settings)."""
    reason, answer, now = require_reason(reason), parse_choice(choice), utcnow()
    params = dict(params or {})
    if answer == ActionKind.SUSPEND:
        params["days"] = enforcement.suspend_days(params.get("days", ""))
    event = Escalate(user.reviewer, now) if answer == ESCALATE else Decide(user.reviewer, now, answer)
    moved = advance(session, case_id, event)
    agrees = (choice == moved.case.known_answer) if moved.case.known_answer else None
    _record(session, moved.case, user, DecisionStage.REVIEW, choice, reason, agrees)
    if agrees is not None and certification is not None:
        certificates.after_live_calibration(session, user, moved.case.queue, certificates.rule_from(certification))
    return _carry_out(session, moved, _Context(user, reason, review, params))


def settle_approval(session: Session, approval_id: int, user: User, agree: bool, reason: str, *, review,
                    certification=None) -> Outcome:
    """A second senior approves (the action is applied) or disagrees (the case goes to a lead). Approving needs
    the higher certification bar in the case's category while ``certification.required`` is on."""
    reason = require_reason(reason)
    approval = get_approval(session, approval_id)
    if agree and ACTIONS[ActionKind(approval.kind)].severe:
        category = session.get(Case, approval.case_id).queue
        certificates.require_may_approve_severe(session, user, category, certification)
    moved = advance(session, approval.case_id, Approve(user.reviewer) if agree else Disagree(user.reviewer))
    status = ApprovalStatus.APPROVED if agree else ApprovalStatus.ESCALATED
    session.execute(update(Approval).where(Approval.id == approval.id, Approval.status == ApprovalStatus.PENDING)
                    .values(status=status, decided_by=user.id).execution_options(synchronize_session=False))
    _record(session, moved.case, user, DecisionStage.APPROVAL, approval.kind if agree else "disagree", reason, agree)
    append_audit_event(session, user.actor, f"approval.{status}", "approval", approval.id, {"reason": reason})
    context = _Context(user, approval.reason, review, dict(approval.params or {}))
    return _carry_out(session, moved, context, approval_id=approval.id)


def get_approval(session: Session, approval_id: int) -> Approval:
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound(f"no approval {approval_id}", code="approval_not_found")
    return approval


def _record(session: Session, case: Case, user: User, stage: DecisionStage, choice: str, reason: str,
            agrees: bool | None) -> None:
    session.add(CaseDecision(case_id=case.id, reviewer_id=user.id, stage=stage, choice=choice, reason=reason,
                             agrees=agrees))
    if stage is DecisionStage.REVIEW:
        append_audit_event(session, user.actor, "case.decided", "case", case.id, {"choice": choice, "reason": reason})


def _carry_out(session: Session, moved: Advanced, ctx: _Context, *, approval_id: int | None = None) -> Outcome:
    action_ids: list[int] = []
    for effect in moved.effects:
        found = _EFFECTS[type(effect)](session, moved.case, effect, ctx)
        if isinstance(effect, Enforce):
            action_ids.append(found)
        elif isinstance(effect, RequestApproval):
            approval_id = found
    return Outcome(moved.case.id, moved.after.status, moved.after.tier, tuple(action_ids), approval_id)


def _record_verdict(session: Session, case: Case, effect: RecordVerdict, ctx: _Context) -> None:
    cases.record_manual_decision(session, case, effect.block, ctx.user.actor)
    from qinglang.services.qualification import credit

    credit.mark(session, case.account_id or (case.target_id if case.target_kind == "account" else None),
                "case.decided")


def _settle_reports(session: Session, case: Case, effect: SettleReports, ctx: _Context) -> None:
    settled = reports.settle_reports(session, case.id, verified=effect.verified)
    if effect.verified and settled:
        rewards.credit_case(session, case, settled, amount=ctx.review.reward_cents,
                            monthly_cap=ctx.review.reward_cap_cents_per_month)


def _request_approval(session: Session, case: Case, effect: RequestApproval, ctx: _Context) -> int:
    approval = Approval(case_id=case.id, kind=effect.kind, params=ctx.params, requested_by=effect.requested_by,
                        reason=ctx.reason, status=ApprovalStatus.PENDING)
    session.add(approval)
    session.flush()
    append_audit_event(session, ctx.user.actor, "approval.requested", "approval", approval.id,
                       {"case_id": case.id, "kind": effect.kind})
    return approval.id


def _enforce(session: Session, case: Case, effect: Enforce, ctx: _Context) -> int:
    target_kind, target_id = _target(session, case, effect.kind, ctx.params)
    params = ctx.params if effect.kind in (ActionKind.SUSPEND, ActionKind.BLACKLIST) else {}
    new = enforcement.NewAction(effect.kind, target_kind, target_id, ctx.reason, account_id=case.account_id,
                                case_id=case.id, decided_by=effect.decided_by, approved_by=effect.approved_by,
                                params=params)
    return enforcement.apply_action(session, new, actor=ctx.user.actor, review=ctx.review).id


def _target(session: Session, case: Case, kind: ActionKind, params: dict[str, Any]) -> tuple[str, str]:
    wants = ACTIONS[kind].target
    if wants is ActionTarget.CONTENT:
        return TargetKind.CONTENT, case.target_id
    if wants is ActionTarget.ACCOUNT:
        return TargetKind.ACCOUNT, case.account_id
    if wants is ActionTarget.BOOK:
        book_id = case.target_id if case.target_kind == TargetKind.BOOK else books.book_of_content(session, case.target_id)
        return TargetKind.BOOK, book_id
    return params.get("list_kind", "account"), params.get("value") or case.account_id or case.target_id


_EFFECTS = {RecordVerdict: _record_verdict, SettleReports: _settle_reports, RequestApproval: _request_approval,
            Enforce: _enforce}
