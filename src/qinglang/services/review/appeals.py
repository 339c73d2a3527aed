"""Appeals: the account owner contests an action; a different reviewer than the decider upholds or overturns
it, and an overturn is delivered to the platform like any action (a reversal event through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.services.review import enforcement
from qinglang.services.review.audit import record
from qinglang.services.review.users import User, require_rank
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Appeal


def file_appeal(session: Session, action_id: int, account_id: str, text: str) -> Appeal:
    action = enforcement.get_action(session, action_id)
    if action.status != "active":
        raise Conflict(
            f"action {action_id} is {action.status}; only active actions can be appealed", code="appeal_action_inactive"
        )
    from qinglang.services.review.cases import target_account

    owner = (
        target_account(session, action.target_kind, action.target_id)
        if action.target_kind in ("content", "account")
        else None
    )
    if owner != account_id:
        raise Forbidden("only the account the action was taken against can appeal it", code="appeal_not_owner")
    if not text.strip() or len(text) > 5000:
        raise InvalidInput("explain the appeal in 1 to 5000 characters", code="appeal_text_invalid")
    open_one = select(Appeal.id).where(Appeal.action_id == action_id, Appeal.status == "open")
    if session.execute(open_one).first():
        raise Conflict("an appeal of this action is already open", code="appeal_exists")
    appeal = Appeal(action_id=action_id, account_id=account_id, text=text.strip())
    session.add(appeal)
    session.flush()
    record(session, f"account:{account_id}", "appeal.filed", "appeal", appeal.id, action_id=action_id)
    return appeal


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}", code="appeal_not_found")
    return appeal


def decide_appeal(session: Session, appeal_id: int, user: User, overturn: bool, reason: str) -> Appeal:
    require_rank(user, "reviewer")
    if len((reason or "").strip()) < 2:
        raise InvalidInput("a reason is required for every decision", code="reason_required")
    appeal = get_appeal(session, appeal_id)
    if appeal.status != "open":
        raise Conflict(f"appeal {appeal_id} is already {appeal.status}", code="appeal_settled")
    action = enforcement.get_action(session, appeal.action_id)
    if user.id in (action.decided_by, action.approved_by):
        raise Forbidden("an appeal goes to a different reviewer than the one who decided", code="appeal_same_reviewer")
    appeal.status = "overturned" if overturn else "upheld"
    appeal.decided_by, appeal.reason, appeal.decided_at = user.id, reason.strip(), utcnow()
    record(session, user.actor, f"appeal.{appeal.status}", "appeal", appeal.id, action_id=action.id)
    if overturn and action.status == "active":
        enforcement.revert_action(session, action, actor=user.actor, reason=f"appeal {appeal.id}: {reason.strip()}")
    return appeal


def list_open_appeals(session: Session) -> Sequence[Appeal]:
    return session.execute(select(Appeal).where(Appeal.status == "open").order_by(Appeal.id)).scalars().all()


def find_appeal(session: Session, appeal_id: int) -> Appeal | None:
    return session.get(Appeal, appeal_id)
