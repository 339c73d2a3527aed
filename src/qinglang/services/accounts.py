"""Accounts and the operators behind them: create, update, get, list. Every change is an audit event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import AccountStatus
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.qualification import default_catalogue
from qinglang.services.qualification import standing
from qinglang.services.qualification.context import QualificationContext
from qinglang.services.qualification.operators import (
    NewOperator,
    change_identity,
    get_operator_row,
    operator_kind,
    refuse_blacklisted,
    register_operator,
)
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, OperatorRow

ACCOUNT_STATUSES = tuple(s.value for s in AccountStatus)
NOT_NULL_FIELDS = ("name", "status", "followers", "strikes", "category")
ACCOUNT_FIELDS = ("operator_id", "name", "status", "category", "qualification_state", "followers", "strikes",
                  "quality_grade", "credit_score")
OPERATOR_FIELDS = ("name", "kind", "licences")


def operator_dict(row: OperatorRow) -> dict[str, Any]:
    """An operator as the API shows it: the identity as its masked display and key id, never the number."""
    identity = ({"kind": row.identity_kind, "masked": row.identity_masked, "key_id": row.identity_key_id}
                if row.identity_digest else None)
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "identity": identity,
        "licences": row.licences,
        "verification_state": row.verification_state,
        "verified_at": row.verified_at.isoformat() if row.verified_at else None,
        "created_at": row.created_at.isoformat(),
    }


def account_dict(row: AccountRow) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in ("id", *ACCOUNT_FIELDS)}
    out["qualification_reasons"] = row.qualification_reasons or []
    out["next_review_at"] = row.next_review_at.isoformat() if row.next_review_at else None
    out["created_at"] = row.created_at.isoformat()
    out["updated_at"] = row.updated_at.isoformat()
    return out


def create_operator(session: Session, fields: dict[str, Any], *, actor: str,
                    ctx: QualificationContext | None = None) -> dict[str, Any]:
    """Register an operator; an identity document is validated, kept as a keyed hash and refused when the block
    list holds it (``services.qualification.operators``)."""
    identity = fields.get("identity") or {}
    new = NewOperator(fields["id"], fields["name"], fields.get("kind") or "individual", identity.get("kind"),
                      identity.get("number"), list(fields.get("licences") or []))
    return operator_dict(register_operator(session, new, ctx or _context(), actor=actor))


def update_operator(session: Session, operator_id: str, changes: dict[str, Any], *, actor: str,
                    ctx: QualificationContext | None = None) -> dict[str, Any]:
    """Change an operator's name, kind, declared licences or identity document. Verification is a reviewer's."""
    row = get_operator_row(session, operator_id)
    nulls = [name for name in OPERATOR_FIELDS if name in changes and changes[name] is None]
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)} cannot be null; leave a field out to keep it", code="invalid_request")
    identity = changes.pop("identity", None)
    if "kind" in changes:
        changes["kind"] = operator_kind(changes["kind"]).value
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    if identity:
        change_identity(session, row.id, changes.get("kind"), identity.get("number"), ctx or _context(), actor=actor,
                        identity_kind=identity.get("kind"))
    append_audit_event(
        session,
        actor=actor,
        action="operator.updated",
        subject_type="operator",
        subject_id=row.id,
        data={"before": before, "after": changes, "identity_changed": bool(identity)},
    )
    if "kind" in changes:
        standing.reassess_operator(session, row.id, ctx or _context(), utcnow())
    return operator_dict(row)


def _context() -> QualificationContext:
    """The context of callers that pass none (the demo, the CLI): the shipped catalogue and no identity key, so
    an identity document is refused rather than hashed under a guessable key."""
    return QualificationContext(default_catalogue())


def get_operator(session: Session, operator_id: str) -> dict[str, Any]:
    return operator_dict(get_operator_row(session, operator_id))


def _check_account_fields(session: Session, fields: dict[str, Any], ctx: QualificationContext) -> None:
    nulls = [name for name in NOT_NULL_FIELDS if name in fields and fields[name] is None]
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)} cannot be null; leave a field out to keep it", code="invalid_request")
    if "status" in fields and fields["status"] not in ACCOUNT_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(ACCOUNT_STATUSES)}", code="invalid_request")
    if "category" in fields and fields["category"] not in ctx.catalogue.categories:
        known = ", ".join(sorted(ctx.catalogue.categories))
        raise InvalidInput(f"unknown account category {fields['category']!r}; use one of: {known}",
                           code="account_category_invalid", details={"field": "category"})
    operator_id = fields.get("operator_id")
    if operator_id is not None:
        operator = session.get(OperatorRow, operator_id)
        if operator is None:
            raise InvalidInput(
                f"operator {operator_id!r} does not exist; create it first with POST /v1/operators",
                code="unknown_operator",
            )
        refuse_blacklisted(session, operator.id, operator.identity_digest)


def create_account(session: Session, fields: dict[str, Any], *, actor: str,
                   ctx: QualificationContext | None = None) -> dict[str, Any]:
    """Register an account: refused when its operator (or the operator's identity) is on the block list; its
    qualification is assessed at once (a category whose licences the operator lacks is restricted)."""
    ctx = ctx or _context()
    if session.get(AccountRow, fields["id"]) is not None:
        raise Conflict(f"account {fields['id']!r} already exists; use PATCH to change it", code="account_exists")
    _check_account_fields(session, fields, ctx)
    fields = {k: v for k, v in fields.items() if k not in ("qualification_state", "quality_grade")}
    points = fields.pop("strikes", 0)
    row = AccountRow(**fields, qualification_state=standing.UNASSESSED)
    session.add(row)
    session.flush()
    _set_strikes(session, row, points, actor)
    append_audit_event(
        session, actor=actor, action="account.created", subject_type="account", subject_id=row.id,
        data=account_dict(row)
    )
    standing.assess_account(session, row.id, ctx, utcnow())
    _credit().mark(session, row.id, "account.created")
    _credit().settle(session)
    session.refresh(row)
    return account_dict(row)


def update_account(session: Session, account_id: str, changes: dict[str, Any], *, actor: str,
                   ctx: QualificationContext | None = None) -> dict[str, Any]:
    ctx = ctx or _context()
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"account {account_id!r} does not exist", code="account_not_found")
    _check_account_fields(session, changes, ctx)
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
    if {"category", "operator_id"} & set(changes):
        standing.assess_account(session, row.id, ctx, utcnow())
    _credit().mark(session, row.id, "account.updated")
    _credit().settle(session)
    session.refresh(row)
    return account_dict(row)


def _credit():
    from qinglang.services.qualification import credit

    return credit


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
