"""Automatic sweeps: a new block-list entry of a target kind, or a new term, sweeps the stored history.

Turned on with ``sweeps.auto_from_list_entries`` (off by default: each sweep opens cases in the ``sweep``
queue). Adding an entry stays as fast as before: nothing happens in that request. A worker pass
(:func:`run_due`) looks for block-list entries in force, of a kind in ``sweeps.auto_kinds``, added within
``sweeps.auto_lookback_hours``, with no ``auto_sweeps`` row yet (or one a crashed worker left running past its
lease), and for each:

1. **claims** it: inserts the ``auto_sweeps`` row (``INSERT ... ON CONFLICT DO NOTHING`` on the unique
   ``list_entry_id``: of two workers exactly one gets it), or takes over an expired lease by compare-and-set on
   the row's ``attempts`` (:mod:`qinglang.storage.leases`, the lease a queued sweep job is run under too),
   renewed every third of its length while the sweep runs;
2. **sweeps** through the one start path, :func:`qinglang.services.sweeps.start_sweep`, with the entry's value as
   the seed (``text_fingerprint`` → a text seed, ``term`` → the contents containing it, the target kinds → the
   contents sharing that target);
3. **completes** the claim in the sweep's own recording transaction (``on_recorded``), by compare-and-set on
   the claim it holds, with a ``sweep.automatic`` audit event. A worker whose lease was taken over meanwhile
   fails that compare-and-set and its sweep is rolled back whole, so an entry gets one recorded sweep.

A sweep that fails (a seed the sweep refuses) is marked ``failed`` with its error code and audited
(``sweep.automatic_failed``); it is not retried — a lead can start it by hand with ``qinglang sweep start``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.sweeps import SeedKind
from qinglang.errors import Conflict, QinglangError
from qinglang.services import sweeps
from qinglang.storage import leases
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import ListEntryRow
from qinglang.storage.tables.similarity import AutoSweepRow

SEED_OF_KIND = {"contact": SeedKind.CONTACT, "domain": SeedKind.DOMAIN, "url": SeedKind.URL,
                "qr_payload": SeedKind.QR_PAYLOAD, "text_fingerprint": SeedKind.TEXT, "term": SeedKind.TERM}


@dataclass(frozen=True, slots=True)
class Claim:
    row_id: int
    entry_id: int
    kind: str
    value: str
    attempts: int
    worker: str
    lease_seconds: int  # how far each renewal moves the lease out while the sweep runs


def due_entries(session: Session, settings: Any, now: datetime) -> list[int]:
    """Ids of the entries a pass should sweep: new, in force, of an automatic kind, unclaimed or abandoned."""
    s = settings.sweeps
    stmt = (select(ListEntryRow.id)
            .outerjoin(AutoSweepRow, AutoSweepRow.list_entry_id == ListEntryRow.id)
            .where(ListEntryRow.list == "block", ListEntryRow.kind.in_(s.auto_kinds),
                   ListEntryRow.removed_at.is_(None),
                   or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at > now),
                   ListEntryRow.created_at >= now - timedelta(hours=s.auto_lookback_hours),
                   or_(AutoSweepRow.id.is_(None), leases.claimable(AutoSweepRow, now, waiting=())))
            .order_by(ListEntryRow.id).limit(s.auto_batch))
    return list(session.scalars(stmt))


def claim(sessions: sessionmaker[Session], entry_id: int, *, worker: str, lease_seconds: int,
          now: datetime | None = None) -> Claim | None:
    """Take entry ``entry_id``'s automatic sweep for ``worker``; ``None`` when another worker holds or did it."""
    now = now or utcnow()
    lease = now + timedelta(seconds=lease_seconds)
    with transaction(sessions) as session:
        entry = session.get(ListEntryRow, entry_id)
        if entry is None:
            return None
        row_id = insert_or_nothing(session, AutoSweepRow, {
            "list_entry_id": entry_id, "status": "running", "claimed_by": worker[:128], "lease_expires_at": lease,
            "attempts": 1, "error": "", "created_at": now})
        if row_id is not None:
            return Claim(row_id, entry_id, entry.kind, entry.value, 1, worker, lease_seconds)
        row = session.scalar(select(AutoSweepRow).where(AutoSweepRow.list_entry_id == entry_id))
        if row is None:
            return None
        taken = leases.take(session, AutoSweepRow, row.id, row.attempts, worker=worker, until=lease, now=now)
        return (Claim(row.id, entry_id, entry.kind, entry.value, taken.attempts, worker, lease_seconds)
                if taken else None)


def _finish(session: Session, c: Claim, status: str, *, sweep_id: int | None = None, error: str = "") -> bool:
    return leases.release(session, AutoSweepRow, leases.Lease(c.row_id, c.attempts, c.worker), status,
                          sweep_id=sweep_id, error=error[:2000])


def sweep_claimed(sessions: sessionmaker[Session], c: Claim, *, sla_hours: dict[str, int],
                  batch: Any | None = None) -> int | None:
    """Run the claimed entry's sweep; the sweep's id, or ``None`` when it failed or the claim was lost."""
    def complete(session: Session, sweep_id: int) -> None:
        if not _finish(session, c, "completed", sweep_id=sweep_id):
            raise Conflict(f"the automatic sweep of list entry {c.entry_id} was taken over by another worker",
                           code="auto_sweep_taken_over")
        append_audit_event(session, c.worker, "sweep.automatic", "list_entry", c.entry_id,
                           {"sweep_id": sweep_id, "kind": c.kind, "attempts": c.attempts})

    try:
        seed = sweeps.parse_seed(SEED_OF_KIND[c.kind].value, c.value)
        with leases.renewed(sessions, AutoSweepRow, leases.Lease(c.row_id, c.attempts, c.worker), c.lease_seconds):
            view = sweeps.start_sweep(sessions, seed, actor=f"auto-sweep:list-entry-{c.entry_id}",
                                      sla_hours=sla_hours, on_recorded=complete, batch=batch)
    except QinglangError as exc:
        if exc.code == "auto_sweep_taken_over":
            return None
        with transaction(sessions) as session:
            if _finish(session, c, "failed", error=f"{exc.code}: {exc.message}"):
                append_audit_event(session, c.worker, "sweep.automatic_failed", "list_entry", c.entry_id,
                                   {"kind": c.kind, "code": exc.code})
        return None
    return view.id


def run_due(sessions: sessionmaker[Session], settings: Any, *, worker: str) -> int:
    """One worker pass: sweep every due entry this worker can claim; returns how many sweeps it recorded."""
    if not settings.sweeps.auto_from_list_entries:
        return 0
    with transaction(sessions) as session:
        due = due_entries(session, settings, utcnow())
    done = 0
    for entry_id in due:
        c = claim(sessions, entry_id, worker=worker, lease_seconds=settings.sweeps.auto_lease_seconds)
        if c is not None and sweep_claimed(sessions, c, sla_hours=settings.review.sla_hours,
                                           batch=settings.batch) is not None:
            done += 1
    return done
