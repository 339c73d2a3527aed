"""Operators: registered with their identity validated and kept only as a keyed hash plus a masked display, checked
against the block list (by operator id and by identity, so a banned operator cannot come back under a new record),
and verified by a named reviewer.

The identity number lives only in this module's arguments: it is validated (:func:`parse_identity`), hashed under
the install's identity key (:func:`keyed_record`) and dropped. Audit events, views and exports carry the masked
display and the key id, never the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qinglang.domain import ListKind
from qinglang.errors import ConfigError, Conflict, Forbidden, InvalidInput, NotFound
from qinglang.qualification import (
    IdentityKind,
    NumberFault,
    OperatorKind,
    identity_kind_fault,
    identity_notes,
    keyed_record,
    parse_identity,
)
from qinglang.qualification.identity import MIN_KEY_BYTES
from qinglang.qualification.licences import china_day
from qinglang.services.qualification.context import QualificationContext
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import ListEntryRow, OperatorRow

LEGACY_KINDS = {"person": OperatorKind.INDIVIDUAL, "organisation": OperatorKind.OTHER_ORGANISATION}
VERIFIED, UNVERIFIED = "verified", "unverified"


@dataclass(frozen=True, slots=True)
class NewOperator:
    id: str
    name: str
    kind: str = OperatorKind.INDIVIDUAL.value
    identity_kind: str | None = None
    identity_number: str | None = field(default=None, repr=False)  # validated, hashed and dropped
    licences: list[Any] = field(default_factory=list)  # what the platform declares; never verified by that


def operator_kind(raw: str) -> OperatorKind:
    """The operator kind of ``raw`` (the old ``person``/``organisation`` map to ``individual``/``other_organisation``)."""
    if raw in LEGACY_KINDS:
        return LEGACY_KINDS[raw]
    try:
        return OperatorKind(raw)
    except ValueError:
        raise InvalidInput(f"operator kind must be one of {', '.join(OperatorKind)}", code="operator_kind_invalid",
                           details={"field": "kind"}) from None


def _refuse_number(fault: NumberFault) -> InvalidInput:
    return InvalidInput(f"the identity number {fault.message}", code="identity_invalid",
                        details={"field": "identity.number", "fault": fault.code.value, "position": fault.position,
                                 "message_zh": f"证件号码{fault.message_zh}"})


def identity_values(new: NewOperator, kind: OperatorKind, ctx: QualificationContext, now: datetime) -> dict[str, Any]:
    """The identity columns for ``new``: validated, keyed-hashed and masked; the number itself is not returned."""
    if not new.identity_number:
        return {}
    id_kind = IdentityKind(new.identity_kind) if new.identity_kind else None
    document = parse_identity(id_kind or _expected(kind), new.identity_number, today=china_day(now))
    if isinstance(document, NumberFault):
        raise _refuse_number(document)
    mismatch = identity_kind_fault(kind, document)
    if mismatch is not None:
        raise InvalidInput(mismatch.en, code="identity_kind_mismatch", details={"field": "identity.kind",
                                                                               "message_zh": mismatch.zh})
    if len(ctx.identity_key) < MIN_KEY_BYTES:
        raise ConfigError("no identity hashing key is configured (security.identity_key); identity documents "
                          "cannot be stored", code="identity_key_missing")
    record = keyed_record(document, key=ctx.identity_key, key_id=ctx.key_id)
    return {"identity_kind": record.kind.value, "identity_digest": record.digest, "identity_masked": record.masked,
            "identity_key_id": record.key_id, "notes": [r.to_dict() for r in identity_notes(kind, document)]}


def _expected(kind: OperatorKind) -> IdentityKind:
    from qinglang.qualification import IDENTITY_FOR

    return IDENTITY_FOR[kind]


def register_operator(session: Session, new: NewOperator, ctx: QualificationContext, *, actor: str) -> OperatorRow:
    """Store a new operator, refusing an identity or id on the block list (``identity_blacklisted``,
    ``operator_blacklisted``)."""
    if session.get(OperatorRow, new.id) is not None:
        raise Conflict(f"operator {new.id!r} already exists", code="operator_exists")
    kind = operator_kind(new.kind)
    values = identity_values(new, kind, ctx, utcnow())
    notes = values.pop("notes", [])
    refuse_blacklisted(session, new.id, values.get("identity_digest"))
    row = OperatorRow(id=new.id, name=new.name, kind=kind.value, licences=list(new.licences),
                      verification_state=UNVERIFIED, **values)
    session.add(row)
    session.flush()
    append_audit_event(session, actor, "operator.created", "operator", row.id,
                       {"kind": row.kind, "identity": row.identity_masked, "key_id": row.identity_key_id,
                        "notes": notes})
    return row


def change_identity(session: Session, operator_id: str, kind_raw: str | None, number: str | None,
                    ctx: QualificationContext, *, actor: str, identity_kind: str | None = None) -> OperatorRow:
    """A new identity document for an operator: checked like a new one, and the identity is unverified again."""
    row = get_operator_row(session, operator_id)
    kind = operator_kind(kind_raw or row.kind)
    values = identity_values(NewOperator(row.id, row.name, kind.value, identity_kind, number), kind, ctx, utcnow())
    values.pop("notes", None)
    refuse_blacklisted(session, row.id, values.get("identity_digest"))
    changes = {"kind": kind.value, **values, "verification_state": UNVERIFIED, "verified_by": None,
               "verified_at": None, "version": row.version + 1}
    if not compare_and_set(session, OperatorRow, row.id, {"version": row.version}, changes):
        raise Conflict("the operator changed meanwhile; reload it and try again", code="operator_busy")
    session.refresh(row)
    append_audit_event(session, actor, "operator.identity_changed", "operator", row.id,
                       {"kind": row.kind, "identity": row.identity_masked, "key_id": row.identity_key_id})
    return row


def verify_identity(session: Session, operator_id: str, reviewer_id: int, reason: str, *, actor: str) -> OperatorRow:
    """A named reviewer confirms the operator's identity against the documents (compare-and-set on ``version``)."""
    row = get_operator_row(session, operator_id)
    if not reason.strip():
        raise InvalidInput("give the reason for this decision; it is kept in the audit log", code="reason_required")
    if not row.identity_digest:
        raise Conflict("this operator has no identity document to verify", code="identity_missing")
    if row.verification_state == VERIFIED:
        raise Conflict("the identity is already verified", code="identity_verified")
    values = {"verification_state": VERIFIED, "verified_by": reviewer_id, "verified_at": utcnow(),
              "version": row.version + 1}
    if not compare_and_set(session, OperatorRow, row.id, {"version": row.version}, values):
        raise Conflict("the operator changed meanwhile; reload it and try again", code="operator_busy")
    session.refresh(row)
    append_audit_event(session, actor, "operator.identity_verified", "operator", row.id, {"reason": reason.strip()})
    return row


def get_operator_row(session: Session, operator_id: str) -> OperatorRow:
    row = session.get(OperatorRow, operator_id)
    if row is None:
        raise NotFound(f"operator {operator_id!r} does not exist", code="operator_not_found")
    return row


# --- the block list --------------------------------------------------------------------------------------------


def operator_keys(session: Session, operator_id: str | None, digest: str | None) -> set[str]:
    """The values an ``operator`` list entry may hold for this operator: its id, its identity digest and the ids of
    every operator with the same identity (the same person or organisation under another record)."""
    keys = {operator_id} if operator_id else set()
    if digest:
        keys.add(digest)
        keys.update(session.execute(select(OperatorRow.id).where(OperatorRow.identity_digest == digest)).scalars())
    return keys


def blacklist_entry(session: Session, values: Iterable[str]) -> ListEntryRow | None:
    """The first active block entry of kind ``operator`` whose value is one of ``values``."""
    values = [v for v in values if v]
    if not values:
        return None
    now = utcnow()
    stmt = (select(ListEntryRow).where(ListEntryRow.list == "block", ListEntryRow.kind == ListKind.OPERATOR.value,
                                       ListEntryRow.removed_at.is_(None), ListEntryRow.value.in_(values),
                                       or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at > now))
            .order_by(ListEntryRow.id).limit(1))
    return session.execute(stmt).scalar_one_or_none()


def refuse_blacklisted(session: Session, operator_id: str | None, digest: str | None) -> None:
    """Raise ``operator_blacklisted`` or ``identity_blacklisted`` (403) when the block list holds this operator."""
    entry = blacklist_entry(session, operator_keys(session, operator_id, digest))
    if entry is None:
        return
    if entry.value == operator_id:
        raise Forbidden(f"operator {operator_id!r} is on the block list (entry {entry.id}): it may not run accounts",
                        code="operator_blacklisted", details={"list_entry_id": entry.id})
    raise Forbidden(f"this operator's identity document belongs to an operator on the block list (entry "
                    f"{entry.id}); it may not run accounts under a new record", code="identity_blacklisted",
                    details={"list_entry_id": entry.id})
