"""Verifying the audit chain: all of it against every checkpoint, or the stretch since the newest checkpoint.

``verify_chain`` (``qinglang audit verify``) recomputes every event from the first, checks every signed
checkpoint against the event it names and the chain head against the newest event. ``verify_recent`` (the
console, and the worker before it signs a new checkpoint) trusts the newest *signed* checkpoint whose event
still has the signed hash, and verifies only the events after it — a few minutes' worth instead of a million.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qinglang.domain.audit import GENESIS, ChainCheck, ChainPoint, ChainReport, StoredEvent, check_checkpoints
from qinglang.services.audit.checkpoints import CheckpointStore
from qinglang.services.audit.log import stored_events
from qinglang.storage.sql_audit import chain_head
from qinglang.storage.tables.core import AuditEventRow


def verify_chain(session: Session, store: CheckpointStore | None = None) -> ChainReport:
    """Every event from the first, against every checkpoint in ``store`` (when given) and the head."""
    checkpoints = store.read() if store is not None else []
    expected, problem = check_checkpoints(store.key, checkpoints) if store is not None else ({}, "")
    last_at = max(checkpoints, key=lambda cp: cp.seq).at if checkpoints else None
    if problem:
        return ChainReport(False, 0, problem=problem, checkpoints=len(checkpoints), last_checkpoint_at=last_at)
    return _run(session, ChainCheck(GENESIS, expected), len(checkpoints), last_at, limit=None)


def verify_recent(session: Session, store: CheckpointStore, *, max_events: int | None = None) -> ChainReport:
    """The events after the newest checkpoint (at most ``max_events``), starting from its signed hash."""
    checkpoints = store.read()
    expected, problem = check_checkpoints(store.key, checkpoints)
    if problem:
        return ChainReport(False, 0, problem=problem, checkpoints=len(checkpoints))
    if not checkpoints:
        return _run(session, ChainCheck(GENESIS), 0, None, limit=max_events)
    newest = max(checkpoints, key=lambda cp: cp.seq)
    row = session.execute(_at(newest.seq)).scalar_one_or_none()
    if row is None or row.hash != newest.hash or _recomputed(row) != row.hash:
        what = "is missing" if row is None else "differs from its signed hash"
        return ChainReport(False, 0, broken_at=row.id if row else None, checkpoints=len(checkpoints),
                           problem=f"event {newest.seq} of the newest checkpoint {what}: the chain was changed",
                           last_checkpoint_at=newest.at)
    start = ChainPoint(newest.seq, newest.hash)
    return _run(session, ChainCheck(start, {}), len(checkpoints), newest.at, limit=max_events)


def _recomputed(row: AuditEventRow) -> str:
    return StoredEvent(row.id, row.seq, row.at, row.actor, row.action, row.subject_type, row.subject_id, row.data,
                       row.prev_hash, row.hash).recomputed()


def _at(seq: int):
    from sqlalchemy import select

    return select(AuditEventRow).where(AuditEventRow.seq == seq)


def _run(session: Session, check: ChainCheck, checkpoints: int, last_at: str | None, *, limit: int | None) -> ChainReport:
    complete = True
    for count, event in enumerate(stored_events(session, after_seq=check.start.seq, limit=limit), start=1):
        if not check.feed(event):
            break
        if limit is not None and count >= limit:
            complete = False
    head = chain_head(session) if complete else None
    problem = check.finish(head) if complete else check.problem
    return ChainReport(not problem, check.checked, check.point, check.broken_at, problem, checkpoints, check.start,
                       last_at)
