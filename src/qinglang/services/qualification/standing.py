"""The qualification standing of accounts: assessed from the operator's licences, restricted automatically when a
required licence is missing or expires, warned before it expires, lifted when a valid licence is verified.

``assess_account`` is the one place this happens:

1. read the account, its operator and the operator's licences; ask :func:`assess_qualification` at ``now``;
2. write the new state, its reasons and ``next_review_at`` (when time alone changes the answer) by compare-and-set
   on the state read in 1 — of two transactions assessing one account at once, one wins, the other reads again;
3. the winner carries out what the change means, through the one action path (``services.review.enforcement``):
   a ``restrict`` action with ``params.qualification`` when the account stops being qualified, and reverting that
   action when it is qualified again; each writes its outbox event in this transaction, so the platform hears of
   each exactly once. A qualification restriction charges no strike points: it is not a violation;
4. an account entering ``expiring`` gets one ``account.qualification_warning`` outbox event per licence and end date
   (its event id is derived from them, so a repeat is a no-op).

The worker calls :func:`review_due` (accounts whose ``next_review_at`` has passed, leased with ``SKIP LOCKED`` on
PostgreSQL) and ``licences.expire_due``; licence changes call :func:`reassess_operator` in their own transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from qinglang.domain.review import AccountStatus, ActionKind, ActionStatus, TargetKind
from qinglang.errors import NotFound
from qinglang.qualification import QualificationAssessment, QualificationState, assess_qualification
from qinglang.services.qualification.context import QualificationContext
from qinglang.services.qualification.licences import held, list_licences
from qinglang.services.qualification.operators import operator_kind
from qinglang.storage.atomic import compare_and_set, insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, OperatorRow
from qinglang.storage.tables.review import Action, OutboxEvent

UNASSESSED = "unassessed"
ATTEMPTS = 5
WARNING_EVENT = "account.qualification_warning"
_NAMESPACE = uuid.UUID("9b7f4c1e-2f4e-4e43-9a51-5b0c7e6a3d10")


def assess(session: Session, account: AccountRow, ctx: QualificationContext, now: datetime) -> QualificationAssessment:
    """What the rules say of ``account`` at ``now`` (no writes). An account without an operator is judged as an
    individual's with no licences."""
    operator = session.get(OperatorRow, account.operator_id) if account.operator_id else None
    kind = operator_kind(operator.kind) if operator is not None else operator_kind("individual")
    licences = [held(row) for row in list_licences(session, operator.id)] if operator is not None else []
    return assess_qualification(ctx.catalogue, account.category or "general", kind, licences, now,
                                warn_days=ctx.warn_days)


def assess_account(session: Session, account_id: str, ctx: QualificationContext, now: datetime) -> str:
    """Assess one account and carry out what its new state means (see the module docstring); its state."""
    for attempt in range(ATTEMPTS):
        account = _account(session, account_id, fresh=attempt > 0)
        result = assess(session, account, ctx, now)
        old = account.qualification_state
        values = {"qualification_state": result.state.value, "next_review_at": result.next_review_at,
                  "qualification_reasons": [r.to_dict() for r in result.reasons]}
        if not compare_and_set(session, AccountRow, account.id, {"qualification_state": old}, values):
            continue
        session.refresh(account)
        if old != result.state.value:
            append_audit_event(session, "system", "account.qualification_changed", "account", account.id,
                               {"from": old, "to": result.state.value, "reasons": [r.code for r in result.reasons]})
            from qinglang.services.qualification import credit

            credit.mark(session, account.id, "qualification")
        _carry_out(session, account, result)
        return result.state.value
    return account.qualification_state


def _account(session: Session, account_id: str, *, fresh: bool) -> AccountRow:
    account = session.get(AccountRow, account_id, populate_existing=fresh)
    if account is None:
        raise NotFound(f"account {account_id!r} does not exist", code="account_not_found")
    return account


def _carry_out(session: Session, account: AccountRow, result: QualificationAssessment) -> None:
    from qinglang.services.review import enforcement

    restriction = active_restriction(session, account.id)
    if not result.state.qualified and restriction is None and account.status != AccountStatus.CLOSED:
        reason = "；".join(r.zh for r in result.reasons)
        enforcement.apply_action(session, enforcement.NewAction(
            ActionKind.RESTRICT, TargetKind.ACCOUNT, account.id, f"资质不符：{reason}",
            params={"qualification": result.state.value, "reasons": [r.to_dict() for r in result.reasons]}),
            actor="system")
    elif result.state.qualified and restriction is not None:
        enforcement.revert_action(session, restriction, actor="system",
                                  reason="资质恢复：" + "；".join(r.zh for r in result.reasons))
    if result.state is QualificationState.EXPIRING:
        _warn(session, account, result)


def active_restriction(session: Session, account_id: str) -> Action | None:
    """The account's active restriction for want of qualification, if any."""
    rows = session.execute(select(Action).where(
        Action.target_kind == TargetKind.ACCOUNT, Action.target_id == account_id, Action.kind == ActionKind.RESTRICT,
        Action.status == ActionStatus.ACTIVE).order_by(Action.id)).scalars().all()
    return next((a for a in rows if (a.params or {}).get("qualification")), None)


def _warn(session: Session, account: AccountRow, result: QualificationAssessment) -> None:
    for check in result.checks:
        if check.state.value != "expiring" or check.licence_id is None:
            continue
        event_id = str(uuid.uuid5(_NAMESPACE, f"{account.id}|{check.licence_id}|{check.valid_until}"))
        payload = {"event_id": event_id, "type": WARNING_EVENT, "account_id": account.id,
                   "licence_id": check.licence_id, "valid_until": check.valid_until.isoformat()
                   if check.valid_until else None, "days_left": check.days_left,
                   "reason": check.reason.to_dict() if check.reason else None, "created_at": utcnow().isoformat()}
        if insert_or_nothing(session, OutboxEvent, {"event_id": event_id, "action_id": None,
                                                    "event_type": WARNING_EVENT, "payload": payload,
                                                    "status": "pending", "attempts": 0,
                                                    "next_attempt_at": utcnow(), "created_at": utcnow()}):
            append_audit_event(session, "system", WARNING_EVENT, "account", account.id,
                               {"licence_id": check.licence_id, "days_left": check.days_left})


def reassess_operator(session: Session, operator_id: str, ctx: QualificationContext, now: datetime) -> None:
    """Re-assess every account of an operator (after one of its licences changed)."""
    ids = session.execute(select(AccountRow.id).where(AccountRow.operator_id == operator_id)
                          .order_by(AccountRow.id)).scalars().all()
    for account_id in ids:
        assess_account(session, account_id, ctx, now)


def make_due(session: Session, operator_id: str, now: datetime) -> None:
    """Make every account of an operator due for assessment at ``now`` (the worker picks them up in batches)."""
    session.execute(update(AccountRow).where(AccountRow.operator_id == operator_id)
                    .values(next_review_at=now).execution_options(synchronize_session=False))


def due(session: Session, now: datetime, limit: int) -> Sequence[str]:
    """Accounts whose assessment time has come (or that were never assessed), oldest first."""
    stmt = (select(AccountRow.id).where(or_(AccountRow.next_review_at <= now,
                                            AccountRow.qualification_state == UNASSESSED))
            .order_by(AccountRow.next_review_at, AccountRow.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.execute(stmt).scalars().all()


def review_due(session: Session, ctx: QualificationContext, now: datetime, *, limit: int = 100) -> int:
    """Assess the accounts that are due; how many."""
    ids = due(session, now, limit)
    for account_id in ids:
        assess_account(session, account_id, ctx, now)
    return len(ids)
