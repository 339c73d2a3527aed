"""Appeals: the account owner contests an action; a reviewer who took no part in it upholds or overturns it
(``qinglang.domain.review.judge_appeal`` says who may), and an overturn is delivered to the platform like any
action (a reversal event through the outbox).

Both steps are single effects by construction: one *open* appeal per action (a partial unique index; a repeat
gets ``appeal_exists``), and the decision is a compare-and-set on the appeal's status (``open`` → ...), so of
ten reviewers overturning at once one reverts the action and the others are told it is settled.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qinglang.domain.review import (
    ActionKind,
    ActionStatus,
    AppealFacts,
    AppealStatus,
    Refusal,
    TargetKind,
    judge_appeal,
)
from qinglang.domain.values import require_text
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.services.review import enforcement
from qinglang.services.review.cases import target_account
from qinglang.services.review.users import User, find_reviewer
from qinglang.services.review.views import AppealView, appeal_view
from qinglang.storage.atomic import compare_and_set, insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import Appeal

MAX_APPEAL_CHARS = 5000


def file_appeal(session: Session, action_id: int, account_id: str, text: str) -> AppealView:
    text = require_text(text or "", "text").strip()
    if not text or len(text) > MAX_APPEAL_CHARS:
        raise InvalidInput(f"explain the appeal in 1 to {MAX_APPEAL_CHARS} characters", code="appeal_text_invalid")
    action = enforcement.get_action(session, action_id)
    if action.status != ActionStatus.ACTIVE:
        raise Conflict(f"action {action_id} is {action.status}; only active actions can be appealed",
                       code="appeal_action_inactive")
    owned = action.target_kind in tuple(TargetKind)
    if not owned or target_account(session, action.target_kind, action.target_id) != account_id:
        raise Forbidden("only the account the action was taken against can appeal it", code="appeal_not_owner")
    appeal_id = insert_or_nothing(session, Appeal, {"action_id": action_id, "account_id": account_id, "text": text,
                                                    "status": AppealStatus.OPEN, "reason": "",
                                                    "created_at": utcnow()})
    if appeal_id is None:
        raise Conflict("an appeal of this action is already open", code="appeal_exists")
    append_audit_event(session, f"account:{account_id}", "appeal.filed", "appeal", appeal_id, {"action_id": action_id})
    return appeal_view(get_appeal(session, appeal_id))


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    return appeal


def find_appeal_view(session: Session, appeal_id: int) -> AppealView:
    return appeal_view(get_appeal(session, appeal_id))


def decide_appeal(session: Session, appeal_id: int, user: User, overturn: bool, reason: str) -> AppealView:
    from qinglang.services.review.decisions import require_reason

    reason = require_reason(reason)
    appeal = get_appeal(session, appeal_id)
    action = enforcement.get_action(session, appeal.action_id)
    facts = AppealFacts(AppealStatus(appeal.status), ActionKind(action.kind),
                        find_reviewer(session, action.decided_by), find_reviewer(session, action.approved_by))
    verdict = judge_appeal(facts, user.reviewer, overturn)
    if isinstance(verdict, Refusal):
        raise verdict.error()
    settled = {"status": verdict, "decided_by": user.id, "reason": reason, "decided_at": utcnow()}
    if not compare_and_set(session, Appeal, appeal.id, {"status": AppealStatus.OPEN}, settled):
        session.refresh(appeal)
        raise Conflict(f"appeal {appeal_id} is already {appeal.status}", code="appeal_settled")
    session.refresh(appeal)
    append_audit_event(session, user.actor, f"appeal.{verdict}", "appeal", appeal.id, {"action_id": action.id})
    from qinglang.services.qualification import credit

    credit.mark(session, appeal.account_id, f"appeal.{verdict}")
    if verdict is AppealStatus.OVERTURNED:
        try:
            enforcement.revert_action(session, action, actor=user.actor, reason=f"appeal {appeal.id}: {reason}")
        except Conflict:
            pass  # the action ended meanwhile (it expired): there is nothing left to undo
    return appeal_view(appeal)
