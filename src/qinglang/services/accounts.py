"""Accounts and the operators behind them: create, update, get, list. Every change is an audit event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import AccountStatus
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, OperatorRow

ACCOUNT_STATUSES = tuple(s.value for s in AccountStatus)
OPERATOR_KINDS = ("person", "organisation")
NOT_NULL_FIELDS = ("name", "status", "qualification_state", "followers", "strikes")
ACCOUNT_FIELDS = ("operator_id", "name", "status", "qualification_state", "followers", "strikes", "quality_grade")


def operator_dict(row: OperatorRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "id_document_hash": row.id_document_hash,
        "licences": row.licences,
        "verification_state": row.verification_state,
        "created_at": row.created_at.isoformat(),
    }


def account_dict(row: AccountRow) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in ("id", *ACCOUNT_FIELDS)}
    out["created_at"] = row.created_at.isoformat()
    out["updated_at"] = row.updated_at.isoformat()
    return out


def create_operator(session: Session, fields: dict[str, Any], *, actor: str) -> dict[str, Any]:
    if session.get(OperatorRow, fields["id"]) is not None:
        raise Conflict(f"operator {fields['id']!r} already exists", code="operator_exists")
    if fields.get("kind", "person") not in OPERATOR_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(OPERATOR_KINDS)}", code="invalid_request")
    row = OperatorRow(**fields)
    session.add(row)
    session.flush()
    out = operator_dict(row)
    append_audit_event(
        session, actor=actor, action="operator.created", subject_type="operator", subject_id=row.id, data=out
    )
    return out


def update_operator(session: Session, operator_id: str, changes: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Change an operator (e.g. its licences or verification state after a qualification check)."""
    row = session.get(OperatorRow, operator_id)
    if row is None:
        raise NotFound(f"operator {operator_id!r} does not exist", code="operator_not_found")
    nulls = [name for name in ("name", "kind", "licences", "verification_state") if changes.get(name, "") is None]
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)} cannot be null; leave a field out to keep it", code="invalid_request")
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    append_audit_event(
        session,
        actor=actor,
        action="operator.updated",
        subject_type="operator",
        subject_id=row.id,
        data={"before": before, "after": changes},
    )
    return operator_dict(row)


def get_operator(session: Session, operator_id: str) -> dict[str, Any]:
    row = session.get(OperatorRow, operator_id)
    if row is None:
        raise NotFound(f"operator {operator_id!r} does not exist", code="operator_not_found")
    return operator_dict(row)


def _check_account_fields(session: Session, fields: dict[str, Any]) -> None:
    nulls = [name for name in NOT_NULL_FIELDS if name in fields and fields[name] is None]
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)} cannot be null; leave a field out to keep it", code="invalid_request")
    if "status" in fields and fields["status"] not in ACCOUNT_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(ACCOUNT_STATUSES)}", code="invalid_request")
    operator_id = fields.get("operator_id")
    if operator_id is not None and session.get(OperatorRow, operator_id) is None:
        raise InvalidInput(
            f"operator {operator_id!r} does not exist; create it first with POST /v1/operators",
            code="unknown_operator",
        )


def create_account(session: Session, fields: dict[str, Any], *, actor: str) -> dict[str, Any]:
    if session.get(AccountRow, fields["id"]) is not None:
        raise Conflict(f"account {fields['id']!r} already exists; use PATCH to change it", code="account_exists")
    _check_account_fields(session, fields)
    fields = dict(fields)
    points = fields.pop("strikes", 0)
    row = AccountRow(**fields)
    session.add(row)
    session.flush()
    _set_strikes(session, row, points, actor)
    out = account_dict(row)
    append_audit_event(
        session, actor=actor, action="account.created", subject_type="account", subject_id=row.id, data=out
    )
    return out


def update_account(session: Session, account_id: str, changes: dict[str, Any], *, actor: str) -> dict[str, Any]:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"account {account_id!r} does not exist", code="account_not_found")
    _check_account_fields(session, changes)
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        if key != "strikes":
            setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    if "strikes" in changes:
        _set_strikes(session, row, changes["strikes"], actor)
    append_audit_event(
        session,
        actor=actor,
        action="account.updated",
        subject_type="account",
        subject_id=row.id,
        data={"before": before, "after": changes},
    )
    return account_dict(row)


def _set_strikes(session: Session, row: AccountRow, points: int, actor: str) -> None:
    """Strike points go through the ledger, the one source of truth (``qinglang.services.review.strikes``)."""
    from qinglang.services.review import strikes

    if points or strikes.total_points(session, row.id):
        strikes.set_points(session, row.id, points, actor=actor)
        session.refresh(row)


def get_account(session: Session, account_id: str) -> dict[str, Any]:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"account {account_id!r} does not exist", code="account_not_found")
    return account_dict(row)


def list_accounts(
    session: Session, *, operator_id: str | None = None, status: str | None = None, after_id: str = "", limit: int = 100
) -> Sequence[dict[str, Any]]:
    """Accounts ordered by id; page with ``after_id`` = the last id of the previous page."""
    stmt = select(AccountRow).where(AccountRow.id > after_id).order_by(AccountRow.id).limit(limit)
    if operator_id:
        stmt = stmt.where(AccountRow.operator_id == operator_id)
    if status:
        stmt = stmt.where(AccountRow.status == status)
    return [account_dict(row) for row in session.execute(stmt).scalars()]
