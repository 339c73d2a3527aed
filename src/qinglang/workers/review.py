"""The review worker: delivers outbox events as signed webhooks, reverts expired actions, expires licences past
their end date and re-assesses accounts whose qualification review is due, measures the originality of new
content versions against the near-duplicate index, runs queued sweeps (one a pass) and the automatic ones,
returns abandoned claims to the queue,
signs audit chain checkpoints, escalates overdue cases, keeps the daily figures current and forgets what has aged
out (ended sessions, old sign-in counts,
day-old idempotency keys). Runs in-process under ``qinglang serve`` (a thread) or alone as
``qinglang worker run``; any number may run at once, since every step leases its rows or compares-and-sets."""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from qinglang.services import auto_sweeps, idempotency, sweep_jobs
from qinglang.services.audit import CheckpointStore, write_checkpoint
from qinglang.services.qualification import licences, originality, standing
from qinglang.services.qualification.context import QualificationContext, context_for
from qinglang.services.review import enforcement, outbox, queue, sessions, signin
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.workers.statistics import StatisticsDuty

log = logging.getLogger("qinglang.worker")
PURGE_EVERY_S = 600.0


class ReviewWorker:
    def __init__(self, factory: sessionmaker[Session], review, *, post: outbox.Poster | None = None,
                 checkpoints: CheckpointStore | None = None, checkpoint_every_s: float = 300.0,
                 statistics=None, qualification: QualificationContext | None = None,
                 clock: Callable[[], datetime] = utcnow, qualification_batch: int = 100,
                 originality_batch: int = 0, sweep_settings=None) -> None:
        self.sessions = factory
        self.sweep_settings = sweep_settings  # None: no sweeps, queued or automatic (else the Settings)
        self.review = review
        self.qualification = qualification  # None: no qualification duty (licence expiry, account standing)
        self.clock = clock
        self.qualification_batch = qualification_batch
        self.originality_batch = originality_batch  # 0: originality is not measured by this worker
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.checkpoints = checkpoints
        self.checkpoint_every_s = checkpoint_every_s
        self._post = post
        self.statistics = StatisticsDuty(factory, statistics) if statistics is not None else None
        self._last_checkpoint = self._last_purge = float("-inf")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One pass of every duty; returns what it did."""
        done = {"delivered": 0, "expired": 0, "reaped": 0, "checkpointed": 0, "purged": 0, "licences_expired": 0,
                "accounts_assessed": 0, "originality_measured": 0}
        with transaction(self.sessions) as session:
            done["expired"] = enforcement.expire_due(session)
        if self.qualification is not None:
            done.update(self._qualify())
        if self.originality_batch:
            with transaction(self.sessions) as session:
                done["originality_measured"] = originality.measure_pending(session, limit=self.originality_batch)
        with transaction(self.sessions) as session:
            done["reaped"] = queue.reap_expired_leases(session)
        if self.review.webhook_url:
            self._post = self._post or outbox.httpx_poster(self.review.webhook_timeout_seconds)
            done["delivered"] = outbox.deliver_batch(
                self.sessions, self.owner, url=self.review.webhook_url,
                secret=self.review.webhook_secret.get_secret_value(), post=self._post,
                max_attempts=self.review.webhook_max_attempts, backoff_base=self.review.webhook_backoff_seconds,
                lease_seconds=self.review.webhook_lease_seconds,
            )
        done["checkpointed"] = self._checkpoint()
        done["purged"] = self._purge()
        if self.statistics is not None:
            done.update(self.statistics.run())
        if self.sweep_settings is not None:
            done["sweeps_run"] = sweep_jobs.run_queued(self.sessions, self.sweep_settings, worker=self.owner)
            done["auto_sweeps"] = auto_sweeps.run_due(self.sessions, self.sweep_settings, worker=self.owner)
        return done

    def _qualify(self) -> dict[str, int]:
        """Licences past their end date are expired, then accounts whose review time came are re-assessed:
        restricted when a required licence is missing or expired, warned before, lifted when qualified again."""
        now, ctx = self.clock(), self.qualification
        with transaction(self.sessions) as session:
            expired = licences.expire_due(session, ctx, now)
        with transaction(self.sessions) as session:
            assessed = standing.review_due(session, ctx, now, limit=self.qualification_batch)
        return {"licences_expired": expired, "accounts_assessed": assessed}

    def _checkpoint(self) -> int:
        """Sign the chain head every ``checkpoint_every_s`` once it verified from the previous checkpoint."""
        if self.checkpoints is None or time.monotonic() - self._last_checkpoint < self.checkpoint_every_s:
            return 0
        self._last_checkpoint = time.monotonic()
        report, written = write_checkpoint(self.sessions, self.checkpoints)
        if not report.ok:
            log.error("audit chain does NOT verify; no checkpoint written: %s (event %s)", report.problem,
                      report.broken_at)
        return int(written is not None)

    def _purge(self) -> int:
        if time.monotonic() - self._last_purge < PURGE_EVERY_S:
            return 0
        self._last_purge = time.monotonic()
        with transaction(self.sessions) as session:
            return sessions.purge_ended(session) + signin.forget_stale(session) + idempotency.forget_old(session)

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # noqa: BLE001 - a failing pass is logged and retried; rows stay leased or pending
                log.exception("review worker pass failed")
                done = {}
            if not any(done.values()):
                self._stop.wait(self.review.worker_poll_seconds)

    def start(self) -> ReviewWorker:
        self._thread = threading.Thread(target=self.run_forever, name="qinglang-review-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def worker_for(settings, factory: sessionmaker[Session], **kwargs) -> ReviewWorker:
    """The worker the settings describe, with its checkpoint store."""
    from qinglang.services.audit import checkpoint_store

    kwargs.setdefault("statistics", settings.statistics)
    kwargs.setdefault("sweep_settings", settings)
    kwargs.setdefault("qualification", context_for(settings))
    kwargs.setdefault("qualification_batch", settings.qualification.review_batch)
    kwargs.setdefault("originality_batch", settings.qualification.originality_batch)
    return ReviewWorker(factory, settings.review, checkpoints=checkpoint_store(settings),
                        checkpoint_every_s=settings.audit.checkpoint_every_seconds, **kwargs)
