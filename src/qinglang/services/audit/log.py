"""Reading the audit log: pages of events for the console, every event for export, stored events for checks.

A reader narrows the log with an :class:`AuditFilter` — actor (a part of its name), kind (an exact action such
as ``case.decided``, or a family ending in ``.``: ``certification.``), and a range of UTC days — and exports what
it selects as JSON lines (exact: every field, both hashes, so a regulator can recompute the chain over the
range) or CSV (for a spreadsheet; a cell that would start a formula is prefixed with ``'``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.audit import StoredEvent
from qinglang.errors import InvalidInput
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
    prev_hash: str = ""


def _view(row: AuditEventRow) -> AuditEventView:
    return AuditEventView(row.id, row.seq, row.at, row.actor, row.action, row.subject_type, row.subject_id,
                          dict(row.data or {}), row.hash, row.prev_hash or "")


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


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a reader selects; empty fields select everything. Days are UTC and inclusive."""

    actor: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None

    def clauses(self) -> list[Any]:
        out: list[Any] = []
        if self.actor:
            out.append(AuditEventRow.actor.contains(self.actor, autoescape=True))
        if self.kind:
            out.append(AuditEventRow.action.startswith(self.kind, autoescape=True) if self.kind.endswith(".")
                       else AuditEventRow.action == self.kind)
        if self.since:
            out.append(AuditEventRow.at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            out.append(AuditEventRow.at < datetime.combine(self.until + timedelta(days=1), time(), UTC))
        return out

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in (("actor", self.actor), ("kind", self.kind), ("from", self.since),
                                       ("to", self.until)) if v}


def list_events(session: Session, *, limit: int = 100, before_seq: int | None = None,
                subject_type: str | None = None, where: AuditFilter | None = None) -> list[AuditEventView]:
    stmt = select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(limit)
    if before_seq is not None:
        stmt = stmt.where(AuditEventRow.seq < before_seq)
    if subject_type:
        stmt = stmt.where(AuditEventRow.subject_type == subject_type)
    if where is not None:
        stmt = stmt.where(*where.clauses())
    return [_view(r) for r in session.execute(stmt).scalars()]


def kinds(session: Session) -> list[str]:
    """Every action name in the log, for the filter's choices."""
    return sorted(session.execute(select(AuditEventRow.action).distinct()).scalars())


def selected_events(session: Session, where: AuditFilter | None, *, through_seq: int | None = None
                    ) -> Iterator[AuditEventView]:
    """The events ``where`` selects, oldest first, in batches (never all in memory)."""
    last = 0
    while True:
        stmt = select(AuditEventRow).where(AuditEventRow.seq > last, *(where.clauses() if where else ()))
        if through_seq is not None:
            stmt = stmt.where(AuditEventRow.seq <= through_seq)
        rows = session.execute(stmt.order_by(AuditEventRow.seq).limit(BATCH)).scalars().all()
        if not rows:
            return
        for row in rows:
            yield _view(row)
            session.expunge(row)
        last = rows[-1].seq


def _record(event) -> dict[str, Any]:
    return {"id": event.id, "seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
            "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
            "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash}


def export_jsonl(session: Session, *, through_seq: int | None = None) -> Iterator[str]:
    for event in stored_events(session, through_seq=through_seq):
        yield json.dumps(_record(event), ensure_ascii=False)


CSV_COLUMNS = ("seq", "at", "actor", "action", "subject_type", "subject_id", "data", "prev_hash", "hash")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_range(session: Session, where: AuditFilter | None, fmt: str, *, through_seq: int | None = None
                 ) -> Iterator[str]:
    """The selected events as JSON lines (``jsonl``) or CSV rows with a header (``csv``), each ending in a
    newline. Each carries its ``prev_hash``, so a contiguous JSON-lines range verifies on its own."""
    if fmt not in ("jsonl", "csv"):  # refused here, before the first line is asked for
        raise InvalidInput("export format must be jsonl or csv", code="export_format_unknown")
    rows = (_record(e) for e in selected_events(session, where, through_seq=through_seq))
    return _jsonl(rows) if fmt == "jsonl" else _csv(rows)


def _jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for record in rows:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in rows:
        writer.writerow([_cell(record[c]) for c in CSV_COLUMNS])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
