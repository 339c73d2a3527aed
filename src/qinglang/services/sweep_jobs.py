"""Sweep jobs: a sweep is queued where it is asked for and run by the review worker, off the request path.

A sweep over a million contents takes a minute or more, too long for an HTTP request. So:

1. **Queue** (:func:`queue_sweep`, in the request's transaction): the seed is checked as a sweep would check
   it (``invalid_sweep_seed``, ``case_not_found``, ``sweep_seed_not_confirmed``), the sweep is stored
   ``queued`` and ``sweep.queued`` audited. The API answers ``202`` with it; an ``Idempotency-Key`` makes a
   retried request answer the same sweep instead of queueing a second.
2. **Claim** (:func:`claim_next`): a worker takes the oldest queued sweep, or a ``running`` one whose lease ran
   out (its worker crashed), by compare-and-set on ``status`` and ``attempts``
   (:mod:`qinglang.storage.leases`, the lease the automatic sweeps use): of two workers, one gets it. A sweep
   claimed ``sweeps.max_attempts`` times whose lease ran out again is marked ``failed`` instead of being run a
   fourth time.
3. **Run** (:func:`run_claimed`): ``find`` on the configured batch engine, with the lease renewed every third of
   ``sweeps.lease_seconds`` meanwhile (:func:`~qinglang.storage.leases.renewed`: a live worker's sweep is not
   taken over however long it runs), then, in one transaction, the lease
   is released as ``completed`` (compare-and-set: only while it is still this worker's) and the items and
   cases recorded with ``sweep.completed``, exactly as a sweep run in place records them. A worker whose lease
   was taken over meanwhile records nothing (its transaction is rolled back). Any exception marks the sweep
   ``failed`` with a short error (``code: message``), audited as ``sweep.failed``; the row is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.sweeps import SweepEvent, SweepStatus, claimable_from, next_status
from qinglang.errors import QinglangError
from qinglang.services import sweeps
from qinglang.storage import leases
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.similarity import SweepRow

MAX_ERROR = 500
_WAITING = tuple(s.value for s in claimable_from(SweepEvent.CLAIM) if s != SweepStatus.RUNNING)
_LOOK_AHEAD = 5  # candidates read per claim: a few, in case another worker takes the first


@dataclass(frozen=True, slots=True)
class SweepJob:
    """A claimed sweep: its lease, the seed it runs from (as stored) and who asked for it."""

    lease: leases.Lease
    seed_kind: str
    seed_value: str
    started_by: str
    lease_seconds: int  # how far each renewal moves the lease out while the sweep runs


def queue_sweep(session: Session, seed: sweeps.Seed, *, actor: str) -> sweeps.SweepView:
    """Check ``seed`` and store a ``queued`` sweep from it, audited as ``sweep.queued``."""
    case_id = sweeps.check_seed(session, seed)
    row = SweepRow(seed_kind=seed.kind.value, seed_value=seed.value, seed_case_id=case_id,
                   status=SweepStatus.QUEUED, found=0, opened=0, started_by=actor[:128], created_at=utcnow(),
                   attempts=0, error="")
    session.add(row)
    session.flush()
    append_audit_event(session, actor, "sweep.queued", "sweep", row.id,
                       {"seed": f"{seed.kind.value}:{seed.value[:200]}", "seed_case_id": case_id})
    return sweeps.get_sweep(session, row.id)


def _candidates(session: Session, now: datetime) -> list[SweepRow]:
    stmt = (select(SweepRow).where(leases.claimable(SweepRow, now, _WAITING))
            .order_by(SweepRow.id).limit(_LOOK_AHEAD))
    return list(session.scalars(stmt))


def _give_up(session: Session, row: SweepRow, now: datetime, worker: str) -> None:
    """A sweep whose every worker died (its lease ran out ``max_attempts`` times) is failed, not run again."""
    error = f"sweep_abandoned: {row.attempts} workers' leases ran out before it finished; start it again"
    gone = session.execute(update(SweepRow)
                           .where(SweepRow.id == row.id, SweepRow.attempts == row.attempts,
                                  leases.claimable(SweepRow, now, ()))
                           .values(status=next_status(SweepStatus.RUNNING, SweepEvent.FAIL), error=error,
                                   lease_expires_at=None, finished_at=now)
                           .execution_options(synchronize_session=False)).rowcount
    if gone:
        append_audit_event(session, worker, "sweep.failed", "sweep", row.id, {"error": error, "attempts": row.attempts})


def claim_next(sessions: sessionmaker[Session], *, worker: str, lease_seconds: int, max_attempts: int = 3,
               now: datetime | None = None) -> SweepJob | None:
    """Lease the oldest claimable sweep to ``worker``; ``None`` when there is none (or others took them)."""
    now = now or utcnow()
    with transaction(sessions) as session:
        for row in _candidates(session, now):
            if row.status == SweepStatus.RUNNING and row.attempts >= max_attempts:
                _give_up(session, row, now, worker)
                continue
            lease = leases.take(session, SweepRow, row.id, row.attempts, worker=worker, waiting=_WAITING,
                                until=now + timedelta(seconds=lease_seconds), now=now)
            if lease is not None:
                return SweepJob(lease, row.seed_kind, row.seed_value, row.started_by, lease_seconds)
    return None


def _short(exc: BaseException) -> str:
    if isinstance(exc, QinglangError):
        return f"{exc.code}: {exc.message}"[:MAX_ERROR]
    return f"internal_error: {type(exc).__name__}: {exc}"[:MAX_ERROR]


def _complete(sessions: sessionmaker[Session], job: SweepJob, seed: sweeps.Seed, found: tuple, *,
              sla_hours: dict[str, int]) -> bool:
    resolved, hits = found
    with transaction(sessions) as session:
        done = next_status(SweepStatus.RUNNING, SweepEvent.COMPLETE)
        if not leases.release(session, SweepRow, job.lease, done):
            return False  # taken over: the other worker records it
        row = session.get(SweepRow, job.lease.row_id)
        sweeps.record(session, seed, resolved, hits, actor=job.started_by, sla_hours=sla_hours, sweep=row)
        return True


def _fail(sessions: sessionmaker[Session], job: SweepJob, exc: BaseException) -> None:
    error = _short(exc)
    with transaction(sessions) as session:
        failed = next_status(SweepStatus.RUNNING, SweepEvent.FAIL)
        if leases.release(session, SweepRow, job.lease, failed, error=error):
            append_audit_event(session, job.lease.worker, "sweep.failed", "sweep", job.lease.row_id,
                               {"error": error, "attempts": job.lease.attempts})


def run_claimed(sessions: sessionmaker[Session], job: SweepJob, *, sla_hours: dict[str, int],
                batch: Any | None = None) -> SweepStatus | None:
    """Run a claimed sweep to its end: ``completed`` or ``failed``; ``None`` when its lease was taken over.
    The lease is renewed every third of ``job.lease_seconds`` while the search runs."""
    try:
        seed = sweeps.parse_seed(job.seed_kind, job.seed_value)
        with leases.renewed(sessions, SweepRow, job.lease, job.lease_seconds), transaction(sessions) as session:
            found = sweeps.find(session, seed, batch)
        if not _complete(sessions, job, seed, found, sla_hours=sla_hours):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the sweep, never lost in a log
        _fail(sessions, job, exc)
        return SweepStatus.FAILED
    return SweepStatus.COMPLETED


def run_queued(sessions: sessionmaker[Session], settings: Any, *, worker: str) -> int:
    """One worker pass: run the oldest claimable sweep, if any; returns how many it finished (0 or 1)."""
    job = claim_next(sessions, worker=worker, lease_seconds=settings.sweeps.lease_seconds,
                     max_attempts=settings.sweeps.max_attempts)
    if job is None:
        return 0
    return int(run_claimed(sessions, job, sla_hours=settings.review.sla_hours, batch=settings.batch) is not None)
