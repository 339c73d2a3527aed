"""Enforcement actions. Every action, expiry and reversal is written together with its outbox event and its
audit event in the caller's transaction, so the platform hears of exactly the actions that were committed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.services.review.audit import record
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AccountRow
from qinglang.storage.tables.review import Action, OutboxEvent, Strike

# kind -> (what it targets, account status it sets, strike severity)
ACTION_KINDS: dict[str, tuple[str, str | None, int]] = {
    "take_down": ("content", None, 1),
    "disable_links": ("content", None, 1),
    "restrict": ("account", "restricted", 1),
    "suspend": ("account", "suspended", 2),
    "close": ("account", "closed", 3),
    "blacklist": ("entity", None, 0),
}
SEVERE_KINDS = frozenset({"close", "blacklist"})  # two-person rule
_STATUS_RANK = {"active": 0, "restricted": 1, "suspended": 2, "closed": 3}


def apply_action(
    session: Session,
    *,
    kind: str,
    target_kind: str,
    target_id: str,
    actor: str,
    reason: str,
    account_id: str | None = None,
    case_id: int | None = None,
    decided_by: int | None = None,
    approved_by: int | None = None,
    params: dict[str, Any] | None = None,
    review=None,
) -> Action:
    params = dict(params or {})
    if kind not in ACTION_KINDS:
        raise InvalidInput(f"unknown action {kind!r}; use one of {', '.join(ACTION_KINDS)}", code="action_unknown")
    expires_at = None
    if kind == "suspend" or params.get("days"):
        days = int(params.setdefault("days", 7))
        if not 1 <= days <= 3650:
            raise InvalidInput("suspensions last 1 to 3650 days", code="action_days_invalid")
        expires_at = utcnow() + timedelta(days=days)
    action = Action(
        case_id=case_id,
        kind=kind,
        target_kind=target_kind,
        target_id=target_id,
        params=params,
        reason=reason,
        decided_by=decided_by,
        approved_by=approved_by,
        expires_at=expires_at,
    )
    session.add(action)
    session.flush()
    _apply_effect(session, action, actor)
    enqueue(session, action, "action.created")
    record(session, actor, "action.created", "action", action.id, kind=kind, target=f"{target_kind}:{target_id}")
    if account_id and ACTION_KINDS[kind][2]:
        add_strike(session, account_id, action, review=review)
    return action


def _apply_effect(session: Session, action: Action, actor: str) -> None:
    status = ACTION_KINDS[action.kind][1]
    if status and action.target_kind == "account":
        account = session.get(AccountRow, action.target_id)
        if account is not None and _STATUS_RANK.get(status, 0) > _STATUS_RANK.get(account.status, 0):
            action.params = {**action.params, "previous_status": account.status}
            account.status = status
    if action.kind == "blacklist":
        from qinglang.services import lists

        entry = lists.add_entry(
            session,
            lists.NewListEntry(
                list="block",
                kind=action.params.get("list_kind", action.target_kind),
                value=action.target_id,
                reason=action.reason,
            ),
            actor=actor,
        )
        action.params = {**action.params, "list_entry_id": entry.id}


def enqueue(session: Session, action: Action, event_type: str) -> OutboxEvent:
    event_id = str(uuid.uuid4())
    payload = {
        "event_id": event_id,
        "type": event_type,
        "action": action_to_dict(action),
        "created_at": utcnow().isoformat(),
    }
    event = OutboxEvent(event_id=event_id, action_id=action.id, event_type=event_type, payload=payload)
    session.add(event)
    session.flush()
    return event


def action_to_dict(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "kind": action.kind,
        "target_kind": action.target_kind,
        "target_id": action.target_id,
        "params": {k: v for k, v in (action.params or {}).items() if k != "previous_status"},
        "reason": action.reason,
        "status": action.status,
        "case_id": action.case_id,
        "reverts": action.reverts_id,
        "expires_at": action.expires_at.isoformat() if action.expires_at else None,
        "created_at": action.created_at.isoformat() if action.created_at else None,
    }


def add_strike(session: Session, account_id: str, action: Action, *, review=None) -> None:
    session.add(Strike(account_id=account_id, action_id=action.id, severity=ACTION_KINDS[action.kind][2]))
    session.flush()
    total = active_strike_points(session, account_id)
    account = session.get(AccountRow, account_id)
    if account is not None:
        account.strikes = total
    record(session, "system", "strike.added", "account", account_id, action_id=action.id, points=total)
    if review is not None:
        _escalate_on_threshold(session, account_id, total, review)


def active_strike_points(session: Session, account_id: str) -> int:
    stmt = select(func.coalesce(func.sum(Strike.severity), 0)).where(
        Strike.account_id == account_id, Strike.active.is_(True)
    )
    return int(session.execute(stmt).scalar_one())


def _escalate_on_threshold(session: Session, account_id: str, points: int, review) -> None:
    """Crossing the suspend threshold suspends at once; crossing the close threshold opens a lead case."""
    thresholds = review.strike_thresholds
    account = session.get(AccountRow, account_id)
    if account is not None and account.status == "closed":
        return
    if points >= thresholds.get("close", 10**9):
        from qinglang.services.review.cases import open_case

        case = open_case(
            session,
            target_kind="account",
            target_id=account_id,
            source="strikes",
            queue="strikes",
            severity=3,
            sla_hours=review.sla_hours,
            actor="system",
        )
        case.tier = max(case.tier, 2)
    elif points >= thresholds.get("suspend", 10**9) and not _active(session, account_id, "suspend"):
        apply_action(
            session,
            kind="suspend",
            target_kind="account",
            target_id=account_id,
            actor="system",
            reason=f"{points} strike points reached the suspend threshold",
            params={"days": review.suspend_days_on_threshold},
        )


def _active(session: Session, target_id: str, kind: str) -> bool:
    stmt = select(Action.id).where(Action.target_id == target_id, Action.kind == kind, Action.status == "active")
    return session.execute(stmt.limit(1)).first() is not None


def revert_action(session: Session, action: Action, *, actor: str, reason: str, status: str = "reverted") -> Action:
    """Undo an action (overturned appeal, expiry): restore state, drop its strikes, tell the platform."""
    if action.status != "active":
        raise Conflict(f"action {action.id} is already {action.status}", code="action_not_active")
    action.status = status
    previous = (action.params or {}).get("previous_status")
    if previous and action.target_kind == "account":
        account = session.get(AccountRow, action.target_id)
        if account is not None:
            account.status = previous
    if action.kind == "blacklist" and action.params.get("list_entry_id"):
        from qinglang.services import lists

        lists.remove_entry(session, int(action.params["list_entry_id"]), actor=actor, reason=reason)
    for strike in session.execute(select(Strike).where(Strike.action_id == action.id)).scalars():
        strike.active = False
    reversal = Action(
        kind="revert",
        target_kind=action.target_kind,
        target_id=action.target_id,
        params={"reverted_kind": action.kind},
        reason=reason,
        reverts_id=action.id,
        case_id=action.case_id,
        status="done",
    )
    session.add(reversal)
    session.flush()
    enqueue(session, reversal, f"action.{status}")
    record(session, actor, f"action.{status}", "action", action.id, reason=reason, reversal_id=reversal.id)
    return reversal


def expire_due(session: Session, *, limit: int = 100) -> int:
    """Revert actions whose time is up (suspensions end); called by the expiry worker."""
    now = utcnow()
    due = (
        session.execute(
            select(Action)
            .where(Action.status == "active", Action.expires_at.is_not(None), Action.expires_at <= now)
            .order_by(Action.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    for action in due:
        revert_action(session, action, actor="worker", reason="expired", status="expired")
    return len(due)


def get_action(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"no action {action_id}", code="action_not_found")
    return action


def list_actions_since(session: Session, since: int = 0, limit: int = 100) -> Sequence[Action]:
    """Actions with id > ``since``, oldest first: the platform polls with the last id it saw."""
    stmt = select(Action).where(Action.id > since).order_by(Action.id).limit(min(max(limit, 1), 1000))
    return session.execute(stmt).scalars().all()
