"""Signing in from the console without starving the server: the password check (argon2) runs in worker
threads, at most ``security.password_checks_at_once`` at a time; while that many are running, further sign-ins
wait without holding a thread, and past ``security.password_queue_limit`` waiting they are told to retry
(429 ``sign_in_busy``). The rest of the API keeps its threads and its CPU."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from qinglang.domain.values import require_text
from qinglang.errors import RateLimited
from qinglang.services.review import signin
from qinglang.services.review.users import User
from qinglang.storage.db import transaction

MAX_PASSWORD_CHARS = 1024


class PasswordGate:
    def __init__(self, at_once: int, queue_limit: int) -> None:
        self.at_once, self.queue_limit = at_once, queue_limit
        self.waiting = 0
        self._limiter = None

    async def check(self, candidate: signin.Candidate, password: str) -> bool:
        import anyio

        if self.waiting >= self.queue_limit:
            raise RateLimited("sign-in is busy; try again in a few seconds", code="sign_in_busy",
                              details={"retry_after_s": 2})
        self._limiter = self._limiter or anyio.CapacityLimiter(self.at_once)
        self.waiting += 1
        try:
            return await anyio.to_thread.run_sync(signin.check_password, candidate, password, limiter=self._limiter)
        finally:
            self.waiting -= 1


def _gate(request: Request) -> PasswordGate:
    state = request.app.state
    if getattr(state, "password_gate", None) is None:
        security = state.runtime.settings.security
        state.password_gate = PasswordGate(security.password_checks_at_once, security.password_queue_limit)
    return state.password_gate


def _policy(request: Request) -> signin.ThrottlePolicy:
    security = request.app.state.runtime.settings.security
    return signin.ThrottlePolicy(security.login_free_failures_per_user_network,
                                 security.login_free_failures_per_network, security.login_max_delay_seconds)


async def sign_in(request: Request, username: str, password: str) -> User | None:
    """The user, or ``None`` for a wrong name or password; raises ``login_rate_limited`` / ``sign_in_busy``."""
    runtime = request.app.state.runtime
    require_text(username, "user name")
    require_text(password, "password")
    attempt = signin.Attempt(username, password[:MAX_PASSWORD_CHARS], request.client.host if request.client else "")
    secret = runtime.settings.security.secret_key.get_secret_value()

    def begin() -> signin.Candidate:
        with transaction(runtime.sessions) as session:
            return signin.begin(session, attempt, secret=secret)

    candidate = await run_in_threadpool(begin)
    ok = await _gate(request).check(candidate, attempt.password)

    def finish() -> User | None:
        with transaction(runtime.sessions) as session:
            return signin.finish(session, attempt, candidate, ok, secret=secret, policy=_policy(request))

    return await run_in_threadpool(finish)
