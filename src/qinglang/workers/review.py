"""The review worker: delivers outbox events as signed webhooks, reverts expired actions and returns abandoned
claims to the queue. Runs in-process under ``qinglang serve`` (a thread) or alone as ``qinglang worker run``;
any number may run at once, since every step leases its rows."""

from __future__ import annotations

import logging
import socket
import threading
import uuid

from sqlalchemy.orm import Session, sessionmaker

from qinglang.services.review import enforcement, outbox, queue
from qinglang.storage.db import transaction

log = logging.getLogger("qinglang.worker")


class ReviewWorker:
    def __init__(self, sessions: sessionmaker[Session], review, *, post: outbox.Poster | None = None) -> None:
        self.sessions = sessions
        self.review = review
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._post = post
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One pass of every duty; returns what it did."""
        done = {"delivered": 0, "expired": 0, "reaped": 0}
        with transaction(self.sessions) as session:
            done["expired"] = enforcement.expire_due(session)
        with transaction(self.sessions) as session:
            done["reaped"] = queue.reap_expired_leases(session)
        if self.review.webhook_url:
            self._post = self._post or outbox.httpx_poster()
            done["delivered"] = outbox.deliver_batch(
                self.sessions, self.owner, url=self.review.webhook_url,
                secret=self.review.webhook_secret.get_secret_value(), post=self._post,
                max_attempts=self.review.webhook_max_attempts, backoff_base=self.review.webhook_backoff_seconds,
            )
        return done

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


def start_embedded(settings, sessions: sessionmaker[Session]) -> ReviewWorker | None:
    """The in-process worker of ``qinglang serve`` (a thread beside uvicorn, never inside a request handler)."""
    if not settings.review.embedded_worker:
        return None
    return ReviewWorker(sessions, settings.review).start()
