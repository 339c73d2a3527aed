"""The one way to append to the hash-chained audit log: :func:`append_audit_event`.

The hashing rules live in :mod:`qinglang.domain.audit`. This module decides *when* an event is linked, which is
where chains fork:

1. ``append_audit_event`` only queues the event on the session; the caller's transaction goes on.
2. Just before the transaction commits, the queued events are written in order. The first statement is
   ``UPDATE audit_chain_head SET seq = seq + n ... RETURNING seq, hash`` (``n`` positions reserved at once):
   on SQLite that takes the database's write lock (even when the audit event is the transaction's only write,
   as for a failed sign-in), on PostgreSQL a row lock that the next appender waits for. Only then is the
   previous hash read, so two transactions can never extend the same head.
3. The head lock is the last lock a transaction takes, so appenders cannot deadlock with each other's rows.
4. A rollback drops the queue: an event exists exactly when the change it records was committed.

Do not append inside a SAVEPOINT that may roll back on its own: the queue belongs to the whole transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from qinglang.domain.audit import ChainPoint, canonical_json, event_hash
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AuditChainHeadRow, AuditEventRow

__all__ = ["append_audit_event", "canonical_json", "chain_head", "event_hash"]

_PENDING = "qinglang.audit.pending"


@dataclass(frozen=True, slots=True)
class _Pending:
    actor: str
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]


def append_audit_event(session: Session, actor: str, action: str, subject_type: str, subject_id: object,
                       data: dict[str, Any] | None = None) -> None:
    """Record one event (``case.claimed``, ``action.created`` ...) in the caller's transaction."""
    payload = json.loads(canonical_json(data or {}))
    session.info.setdefault(_PENDING, []).append(_Pending(actor, action, subject_type, str(subject_id), payload))


def chain_head(session: Session) -> ChainPoint:
    row = session.get(AuditChainHeadRow, 1)
    return ChainPoint(row.seq, row.hash) if row is not None else ChainPoint()


def _write_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()  # the transaction's own rows first: the head lock must be its last lock
    last, prev = _take_head(session, len(pending))
    at: datetime = utcnow()
    rows = []
    for seq, item in enumerate(pending, start=last - len(pending) + 1):
        digest = event_hash(prev, at, item.actor, item.action, item.subject_type, item.subject_id, item.data)
        rows.append(AuditEventRow(seq=seq, at=at, actor=item.actor, action=item.action, subject_type=item.subject_type,
                                  subject_id=item.subject_id, data=item.data, prev_hash=prev, hash=digest))
        prev = digest
    session.add_all(rows)
    session.flush()
    session.execute(update(AuditChainHeadRow).where(AuditChainHeadRow.id == 1)
                    .values(hash=prev, updated_at=at).execution_options(synchronize_session=False))


def _take_head(session: Session, count: int) -> tuple[int, str]:
    """Reserve ``count`` positions after the head, under the head's lock: (the last position, the head's hash)."""
    taken = session.execute(
        update(AuditChainHeadRow).where(AuditChainHeadRow.id == 1).values(seq=AuditChainHeadRow.seq + count)
        .returning(AuditChainHeadRow.seq, AuditChainHeadRow.hash).execution_options(synchronize_session=False)
    ).first()
    if taken is None:
        raise RuntimeError("the audit chain head is missing; run `qinglang db upgrade`")
    return taken[0], taken[1]


def _drop_pending(session: Session, transaction: Any) -> None:
    """The outermost transaction ended without committing its events (a rollback, a close): forget them."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


event.listen(Session, "before_commit", _write_pending)
event.listen(Session, "after_transaction_end", _drop_pending)
