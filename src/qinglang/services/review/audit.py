"""Audit events for the human side, appended to the shared hash-chained log, and chain verification."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.storage.sql_audit import append_audit_event, event_hash
from qinglang.storage.tables.core import AuditEventRow


def record(session: Session, actor: str, action: str, subject_type: str, subject_id: object, **data: Any) -> None:
    """Append one event (``case.claimed``, ``action.created``...) in the caller's transaction."""
    append_audit_event(
        session, actor=actor, action=action, subject_type=subject_type, subject_id=str(subject_id), data=data
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None  # id of the first event whose link does not hold
    problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "broken_at": self.broken_at, "problem": self.problem}


def _rows(session: Session, batch: int = 1000) -> Iterator[AuditEventRow]:
    last = 0
    while True:
        stmt = select(AuditEventRow).where(AuditEventRow.id > last).order_by(AuditEventRow.id).limit(batch)
        rows = session.execute(stmt).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first event whose stored hash or back-link is wrong."""
    prev, checked = "", 0
    for row in _rows(session):
        if row.prev_hash != prev:
            return ChainReport(False, checked, row.id, "prev_hash does not match the hash of the event before it")
        data = json.loads(json.dumps(row.data))
        expected = event_hash(prev, row.at, row.actor, row.action, row.subject_type, row.subject_id, data)
        if expected != row.hash:
            return ChainReport(False, checked, row.id, "stored hash does not match the event's contents")
        prev, checked = row.hash, checked + 1
    return ChainReport(True, checked)


def list_events(
    session: Session, *, limit: int = 100, before_id: int | None = None, subject_type: str | None = None
) -> Sequence[AuditEventRow]:
    stmt = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(AuditEventRow.id < before_id)
    if subject_type:
        stmt = stmt.where(AuditEventRow.subject_type == subject_type)
    return session.execute(stmt).scalars().all()


def export_jsonl(session: Session) -> Iterator[str]:
    for row in _rows(session):
        yield json.dumps(
            {
                "id": row.id,
                "at": row.at.isoformat(),
                "actor": row.actor,
                "action": row.action,
                "subject_type": row.subject_type,
                "subject_id": row.subject_id,
                "data": row.data,
                "prev_hash": row.prev_hash,
                "hash": row.hash,
            },
            ensure_ascii=False,
        )
