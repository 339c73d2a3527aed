"""Enforcement actions. Every action, expiry and reversal is written together with its outbox event, its strike
lines and its audit event in the caller's transaction, so the platform hears of exactly the actions that were
committed. What each kind does is the table ``qinglang.domain.review.ACTIONS``.

Reversal is a compare-and-set on the action's status (``active`` → ``reverted``/``expired``): of two workers
or reviewers undoing one action at once, one does it and the other is told it already happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.books import BookStatus
from qinglang.domain.review import (
    ACTIONS,
    DEFAULT_SUSPEND_DAYS,
    LEAD_TIER,
    MAX_SUSPEND_DAYS,
    MIN_SUSPEND_DAYS,
    STRIKES_QUEUE,
    AccountStatus,
    ActionKind,
    ActionStatus,
    CaseSource,
    RequireTier,
    TargetKind,
)
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.services import books
from qinglang.services.qualification import credit
from qinglang.services.review import case_store, cases, strikes, users
from qinglang.services.review.views import ActionView, action_view
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow
from qinglang.storage.tables.review import Action, OutboxEvent


@dataclass(frozen=True, slots=True)
class NewAction:
    kind: ActionKind
    target_kind: str
    target_id: str
    reason: str
    account_id: str | None = None  # whose strike ledger is charged
    case_id: int | None = None
    decided_by: int | None = None
    approved_by: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


def parse_kind(kind: str) -> ActionKind:
    try:
        spec = ACTIONS[ActionKind(kind)]
    except (ValueError, KeyError):
        raise InvalidInput(f"unknown action {kind!r}; use one of {', '.join(ACTIONS)}", code="action_unknown") from None
    return spec.kind


def suspend_days(raw: Any) -> int:
    """The days of a suspension, from a form or API value; ``action_days_invalid`` when it is not 1..3650."""
    try:
        days = int(str(raw).strip() or DEFAULT_SUSPEND_DAYS)
    except ValueError:
        days = 0
    if not MIN_SUSPEND_DAYS <= days <= MAX_SUSPEND_DAYS:
        raise InvalidInput(f"a suspension lasts {MIN_SUSPEND_DAYS} to {MAX_SUSPEND_DAYS} whole days; got {raw!r}",
                           code="action_days_invalid")
    return days


def apply_action(session: Session, new: NewAction, *, actor: str, review=None) -> Action:
    """Write one action with its effect on the account or register, its outbox event and its strike points."""
    spec = ACTIONS[parse_kind(new.kind)]
    params = dict(new.params)
    expires_at = None
    if spec.lasts_days or params.get("days"):
        params["days"] = suspend_days(params.get("days", DEFAULT_SUSPEND_DAYS))
        expires_at = utcnow() + timedelta(days=params["days"])
    action = Action(case_id=new.case_id, kind=spec.kind, target_kind=new.target_kind, target_id=new.target_id,
                    params=params, reason=new.reason, decided_by=new.decided_by, approved_by=new.approved_by,
                    expires_at=expires_at, status=ActionStatus.ACTIVE)
    session.add(action)
    session.flush()
    _apply_effect(session, action, actor)
    enqueue(session, action, "action.created")
    append_audit_event(session, actor, "action.created", "action", action.id,
                       {"kind": spec.kind, "target": f"{new.target_kind}:{new.target_id}"})
    credit.mark(session, new.account_id or _account_of(action), f"action.{spec.kind}")
    if new.account_id and spec.strike_points:
        total = strikes.add_for_action(session, new.account_id, action.id, spec.strike_points)
        if review is not None:
            _escalate_on_threshold(session, new.account_id, total, review)
    return action


def _apply_effect(session: Session, action: Action, actor: str) -> None:
    status = ACTIONS[ActionKind(action.kind)].sets_status
    if status and action.target_kind == TargetKind.ACCOUNT:
        account = session.get(AccountRow, action.target_id)
        if account is not None and status.rank > AccountStatus(account.status).rank:
            action.params = {**action.params, "previous_status": account.status}
            account.status = status.value
    if action.kind == ActionKind.TAKE_DOWN_BOOK:
        books.set_status(session, action.target_id, BookStatus.OFF_SHELF, actor=actor, reason=action.reason)
    if action.kind == ActionKind.BLACKLIST:
        from qinglang.services import lists

        entry = lists.add_entry(session, lists.NewListEntry(list="block", kind=action.params.get("list_kind",
                                action.target_kind), value=action.target_id, reason=action.reason), actor=actor)
        action.params = {**action.params, "list_entry_id": entry.id}


def enqueue(session: Session, action: Action, event_type: str) -> OutboxEvent:
    event_id = str(uuid.uuid4())
    payload = {"event_id": event_id, "type": event_type, "action": action_view(action).to_wire(),
               "created_at": utcnow().isoformat()}
    event = OutboxEvent(event_id=event_id, action_id=action.id, event_type=event_type, payload=payload)
    session.add(event)
    session.flush()
    return event


def _escalate_on_threshold(session: Session, account_id: str, points: int, review) -> None:
    """Crossing the suspend threshold suspends at once; crossing the close threshold opens a lead case."""
    thresholds = review.strike_thresholds
    account = session.get(AccountRow, account_id)
    if account is not None and account.status == AccountStatus.CLOSED:
        return
    if points >= thresholds.get("close", 10**9):
        new = cases.NewCase(TargetKind.ACCOUNT, account_id, CaseSource.STRIKES, STRIKES_QUEUE, 3)
        case = cases.open_case(session, new, sla_hours=review.sla_hours, actor="system")
        if case.tier < LEAD_TIER:
            holder = users.find_reviewer(session, case.claimed_by)
            case_store.advance(session, case.id, RequireTier(LEAD_TIER, holder.rank if holder else None))
    elif points >= thresholds.get("suspend", 10**9) and not _active(session, account_id, ActionKind.SUSPEND):
        apply_action(session, NewAction(ActionKind.SUSPEND, TargetKind.ACCOUNT, account_id,
                                        f"{points} strike points reached the suspend threshold",
                                        params={"days": review.suspend_days_on_threshold}), actor="system")


def _active(session: Session, target_id: str, kind: ActionKind) -> bool:
    stmt = select(Action.id).where(Action.target_id == target_id, Action.kind == kind,
                                   Action.status == ActionStatus.ACTIVE)
    return session.execute(stmt.limit(1)).first() is not None


def revert_action(session: Session, action: Action, *, actor: str, reason: str,
                  status: ActionStatus = ActionStatus.REVERTED) -> Action:
    """Undo an action (overturned appeal, expiry): restore state, take back its strikes, tell the platform."""
    if not compare_and_set(session, Action, action.id, {"status": ActionStatus.ACTIVE}, {"status": status}):
        session.refresh(action)
        raise Conflict(f"action {action.id} is already {action.status}", code="action_not_active")
    session.refresh(action)
    _restore(session, action, actor, reason)
    strikes.revert_for_action(session, action.id)
    reversal = Action(kind=ActionKind.REVERT, target_kind=action.target_kind, target_id=action.target_id,
                      params={"reverted_kind": action.kind}, reason=reason, reverts_id=action.id,
                      case_id=action.case_id, status=ActionStatus.DONE)
    session.add(reversal)
    session.flush()
    enqueue(session, reversal, f"action.{status}")
    append_audit_event(session, actor, f"action.{status}", "action", action.id,
                       {"reason": reason, "reversal_id": reversal.id})
    credit.mark(session, _account_of(action) or _charged(session, action.id), f"action.{status}")
    return reversal


def _account_of(action: Action) -> str | None:
    return action.target_id if action.target_kind == TargetKind.ACCOUNT else None


def _charged(session: Session, action_id: int) -> str | None:
    """The account whose strike ledger an action charged (a content action charges the content's account)."""
    from qinglang.storage.tables.review import Strike

    return session.execute(select(Strike.account_id).where(Strike.action_id == action_id).limit(1)).scalar()


def _restore(session: Session, action: Action, actor: str, reason: str) -> None:
    previous = (action.params or {}).get("previous_status")
    if previous and action.target_kind == TargetKind.ACCOUNT:
        account = session.get(AccountRow, action.target_id)
        if account is not None:
            account.status = _held_status(session, action.target_id, AccountStatus(previous)).value
    if action.kind == ActionKind.TAKE_DOWN_BOOK:
        books.set_status(session, action.target_id, BookStatus.ON_SHELF, actor=actor, reason=reason)
    if action.kind == ActionKind.BLACKLIST and action.params.get("list_entry_id"):
        from qinglang.services import lists

        lists.remove_entry(session, int(action.params["list_entry_id"]), actor=actor, reason=reason,
                           reversing=True)


def _held_status(session: Session, account_id: str, previous: AccountStatus) -> AccountStatus:
    """The status an account returns to when one action on it ends: what it was before, unless another action still
    active on it holds a stronger one (a violation's restriction outlives a lifted qualification restriction)."""
    kinds = session.execute(select(Action.kind).where(
        Action.target_kind == TargetKind.ACCOUNT, Action.target_id == account_id,
        Action.status == ActionStatus.ACTIVE)).scalars()
    held = [ACTIONS[ActionKind(k)].sets_status for k in kinds if ActionKind(k) in ACTIONS]
    return max([previous, *(s for s in held if s is not None)], key=lambda s: s.rank)


def expire_due(session: Session, *, limit: int = 100) -> int:
    """Revert actions whose time is up (suspensions end); a worker duty. Safe with many workers at once."""
    now = utcnow()
    pick = (select(Action).where(Action.status == ActionStatus.ACTIVE, Action.expires_at.is_not(None),
                                 Action.expires_at <= now).order_by(Action.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    done = 0
    for action in session.execute(pick).scalars().all():
        try:
            revert_action(session, action, actor="worker", reason="expired", status=ActionStatus.EXPIRED)
            done += 1
        except Conflict:
            continue  # another worker reverted it first
    return done


def get_action(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"no action {action_id}", code="action_not_found")
    return action


def find_action_view(session: Session, action_id: int) -> ActionView:
    return action_view(get_action(session, action_id))


def list_actions_since(session: Session, since: int = 0, limit: int = 100) -> Sequence[ActionView]:
    """Actions with id > ``since``, oldest first: the platform polls with the last id it saw."""
    stmt = select(Action).where(Action.id > since).order_by(Action.id).limit(min(max(limit, 1), 1000))
    return [action_view(a) for a in session.execute(stmt).scalars()]
