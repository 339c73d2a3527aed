"""The append-only, hash-chained audit log. Every state change appends one event in the same transaction.

``hash = sha256(prev_hash + canonical JSON of the event)``; the first event has ``prev_hash = ""``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AuditEventRow

_CHAIN_LOCK_ID = 0x71696E67  # advisory lock that serialises appends on PostgreSQL


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept, datetimes as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} in an audit event")


def event_hash(
    prev_hash: str, at: datetime, actor: str, action: str, subject_type: str, subject_id: str, data: dict[str, Any]
) -> str:
    body = {
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "data": data,
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def append_audit_event(
    session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, data: dict[str, Any] | None = None
) -> AuditEventRow:
    """Append one event to the chain inside the caller's transaction and return the new row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _CHAIN_LOCK_ID})
    prev = session.execute(select(AuditEventRow.hash).order_by(AuditEventRow.id.desc()).limit(1)).scalar()
    at = utcnow()
    payload = json.loads(canonical_json(data or {}))
    row = AuditEventRow(
        at=at,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=payload,
        prev_hash=prev or "",
        hash=event_hash(prev or "", at, actor, action, subject_type, str(subject_id), payload),
    )
    session.add(row)
    session.flush()
    return row
