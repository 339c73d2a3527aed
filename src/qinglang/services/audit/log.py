"""Reading the audit log: pages of events for the console, every event for export, stored events for checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.audit import StoredEvent
from qinglang.storage.tables.core import AuditEventRow

BATCH = 2000


@dataclass(frozen=True, slots=True)
class AuditEventView:
    id: int
    seq: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    hash: str


def _view(row: AuditEventRow) -> AuditEventView:
    return AuditEventView(row.id, row.seq, row.at, row.actor, row.action, row.subject_type, row.subject_id,
                          dict(row.data or {}), row.hash)


def stored_events(session: Session, *, after_seq: int = 0, limit: int | None = None,
                  through_seq: int | None = None) -> Iterator[StoredEvent]:
    """Events with ``after_seq < seq <= through_seq`` in chain order, read in batches (never all in memory)."""
    last, left = after_seq, limit
    while left is None or left > 0:
        size = BATCH if left is None else min(BATCH, left)
        stmt = select(AuditEventRow).where(AuditEventRow.seq > last)
        if through_seq is not None:
            stmt = stmt.where(AuditEventRow.seq <= through_seq)
        rows = session.execute(stmt.order_by(AuditEventRow.seq).limit(size)).scalars().all()
        if not rows:
            return
        for row in rows:
            yield StoredEvent(row.id, row.seq, row.at, row.actor, row.action, row.subject_type, row.subject_id,
                              row.data, row.prev_hash, row.hash)
        last = rows[-1].seq
        left = None if left is None else left - len(rows)
        for row in rows:
            session.expunge(row)


def list_events(session: Session, *, limit: int = 100, before_seq: int | None = None,
                subject_type: str | None = None) -> list[AuditEventView]:
    stmt = select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(limit)
    if before_seq is not None:
        stmt = stmt.where(AuditEventRow.seq < before_seq)
    if subject_type:
        stmt = stmt.where(AuditEventRow.subject_type == subject_type)
    return [_view(r) for r in session.execute(stmt).scalars()]


def export_jsonl(session: Session, *, through_seq: int | None = None) -> Iterator[str]:
    for event in stored_events(session, through_seq=through_seq):
        yield json.dumps({"id": event.id, "seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
                          "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
                          "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash}, ensure_ascii=False)
