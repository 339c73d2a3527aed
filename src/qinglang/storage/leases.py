"""Leases on job rows: one worker at a time runs a job, and a crashed worker's job is taken over.

A job table (``sweeps``, ``auto_sweeps``) has ``status``, ``claimed_by``, ``lease_expires_at``, ``attempts``,
``error`` and ``finished_at``. Every step is one compare-and-set ``UPDATE``, so it is safe with any number of
workers on SQLite and PostgreSQL without holding a row lock while the work runs:

- :func:`take` moves a job that is waiting (one of ``waiting``) or ``running`` under a lease that ran out to
  ``running`` for this worker, and only if ``attempts`` is still what the worker read: of two workers that read
  the same row, exactly one update matches; the other gets ``None``.
- :func:`extend` moves this worker's lease further out, on the same condition as :func:`release`; a worker
  runs a long job inside :func:`renewed`, which extends the lease every third of its length (on a beat from
  :func:`kept_alive`), so a live worker is never taken over however long the job runs, and a crashed one is
  after at most one lease.
- :func:`release` finishes the job (``completed``, ``failed``) only while this worker's lease is the current one
  (same ``claimed_by`` and ``attempts``). A worker that was taken over finds no row to update and must undo its
  work (roll its transaction back), so a job's result is recorded once.

Without :func:`renewed` the lease must outlast the longest run: a live worker whose lease ran out can be taken
over, and then its result is thrown away (never recorded twice).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session, sessionmaker

from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

RUNNING = "running"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Lease:
    """What a worker holds: the job's row, the attempt it is (1 for the first), and who it is."""

    row_id: int
    attempts: int
    worker: str


def claimable(table: Any, now: datetime, waiting: tuple[str, ...]):
    """The SQL condition of a job a worker may take now: waiting, or running under a lease that ran out."""
    abandoned = and_(table.status == RUNNING, table.lease_expires_at.is_not(None), table.lease_expires_at < now)
    return or_(table.status.in_(waiting), abandoned) if waiting else abandoned


def take(session: Session, table: Any, row_id: int, seen_attempts: int, *, worker: str, until: datetime,
         now: datetime, waiting: tuple[str, ...] = ()) -> Lease | None:
    """Lease job ``row_id`` to ``worker`` until ``until``, if it is still claimable and unchanged since it was read
    with ``seen_attempts``; ``None`` when another worker got there first."""
    stmt = (update(table)
            .where(table.id == row_id, table.attempts == seen_attempts, claimable(table, now, waiting))
            .values(status=RUNNING, claimed_by=worker[:128], lease_expires_at=until, attempts=seen_attempts + 1)
            .execution_options(synchronize_session=False))
    return Lease(row_id, seen_attempts + 1, worker) if session.execute(stmt).rowcount == 1 else None


def _held(table: Any, lease: Lease):
    """The SQL condition of a job still running under ``lease`` (not taken over, not finished)."""
    return and_(table.id == lease.row_id, table.status == RUNNING, table.attempts == lease.attempts,
                table.claimed_by == lease.worker[:128])


def extend(session: Session, table: Any, lease: Lease, until: datetime) -> bool:
    """Move the lease's expiry to ``until``; ``False`` when the lease is no longer this worker's."""
    stmt = (update(table).where(_held(table, lease)).values(lease_expires_at=until)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).rowcount == 1


@contextmanager
def kept_alive(renew: Callable[[], bool], every: float) -> Iterator[threading.Event]:
    """Call ``renew`` every ``every`` seconds from a thread while the block runs.

    Yields an event that is set once ``renew`` returns ``False`` (the lease was taken over: nothing more to
    keep). A failed renewal (the database briefly unreachable) is logged and tried again at the next beat; the
    lease only runs out if renewals keep failing for its whole length. The thread is stopped and joined when
    the block ends, whatever way it ends.
    """
    stop, lost = threading.Event(), threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                if not renew():
                    lost.set()
                    return
            except Exception:  # noqa: BLE001 - a renewal that failed is retried, never fatal to the job
                log.warning("lease renewal failed; retrying in %.1f s", every, exc_info=True)

    thread = threading.Thread(target=beat, name="lease-keep-alive", daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        stop.set()
        thread.join()


@contextmanager
def renewed(sessions: sessionmaker[Session], table: Any, lease: Lease, lease_seconds: float) -> Iterator[threading.Event]:
    """Run the block under ``lease``, kept: every third of ``lease_seconds``, a transaction of its own moves the
    lease ``lease_seconds`` from now (:func:`extend`). Yields :func:`kept_alive`'s lost-lease event."""
    def renew() -> bool:
        with transaction(sessions) as session:
            return extend(session, table, lease, utcnow() + timedelta(seconds=lease_seconds))

    with kept_alive(renew, lease_seconds / 3) as lost:
        yield lost


def release(session: Session, table: Any, lease: Lease, status: str, **values: Any) -> bool:
    """Finish the leased job as ``status`` (with ``values``); ``False`` when the lease is no longer this
    worker's (it ran out and another worker took the job over)."""
    stmt = (update(table).where(_held(table, lease))
            .values(status=status, lease_expires_at=None, finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).rowcount == 1
