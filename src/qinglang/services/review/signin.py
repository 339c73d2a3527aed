"""Signing in to the console without letting an attacker lock anyone out or starve the server.

A sign-in is three steps, so that the slow one (argon2, ~50 ms of CPU and 64 MiB) runs outside any database
transaction and where the edge can bound it:

1. :func:`begin` — refuse at once (HTTP 429 with ``retry_after_s``) when this network, or this user name from
   this network, is in a waiting period; otherwise return the :class:`Candidate` to check.
2. :func:`check_password` — pure CPU; an unknown user name costs the same as a wrong password.
3. :func:`finish` — count a failure for the network and for the (user name, network) pair, or clear the pair's
   count on success; audit either way.

Failures are counted per network and per (user name, network), never per user name alone: failures from
elsewhere cannot hold back the real user's own network. Past a free allowance each further failure doubles the
wait, up to ``security.login_max_delay_seconds``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qinglang.errors import RateLimited
from qinglang.services.review.users import User, hasher, to_user
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import LoginThrottle, ReviewUser

FORGET_AFTER = timedelta(hours=1)  # a count with no new failure for this long starts again from zero


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_per_user_network: int = 5
    free_per_network: int = 30
    max_delay_seconds: int = 900

    def delay(self, failures: int, free: int) -> int:
        """Seconds to wait after ``failures`` failures when ``free`` of them cost nothing: 1, 2, 4, ... capped."""
        over = failures - free
        return 0 if over <= 0 else min(2 ** (over - 1), self.max_delay_seconds)


@dataclass(frozen=True, slots=True)
class Attempt:
    username: str
    password: str
    network: str  # the client's address

    def keys(self, secret: str) -> tuple[str, str]:
        """Keyed hashes of the network and of the (user name, network) pair: no address is stored."""
        return _keyed(secret, f"net:{self.network}"), _keyed(secret, f"pair:{self.username}\x1f{self.network}")


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int | None  # None: no such active user (the dummy hash is checked, so it costs the same)
    password_hash: str


def _keyed(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def begin(session: Session, attempt: Attempt, *, secret: str) -> Candidate:
    """Step 1: refuse a throttled attempt; otherwise what to check the password against."""
    now = utcnow()
    for key in attempt.keys(secret):
        row = session.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = max(1, int((row.blocked_until - now).total_seconds() + 0.999))
            raise RateLimited(f"too many failed sign-ins from your network; wait {wait} s and try again",
                              code="login_rate_limited", details={"retry_after_s": wait})
    row = session.execute(select(ReviewUser).where(ReviewUser.username == attempt.username)).scalar_one_or_none()
    if row is None or not row.active:
        return Candidate(None, dummy_hash())
    return Candidate(row.id, row.password_hash)


def check_password(candidate: Candidate, password: str) -> bool:
    """Step 2 (CPU only): does the password match? Always ``False`` for an unknown user."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        hasher().verify(candidate.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return candidate.user_id is not None


def finish(session: Session, attempt: Attempt, candidate: Candidate, ok: bool, *, secret: str,
           policy: ThrottlePolicy) -> User | None:
    """Step 3: the signed-in user, or ``None`` after counting the failure. The caller commits."""
    network_key, pair_key = attempt.keys(secret)
    name = attempt.username[:64]
    if not ok:
        _count_failure(session, network_key, policy.free_per_network, policy)
        _count_failure(session, pair_key, policy.free_per_user_network, policy)
        append_audit_event(session, f"anonymous:{name}", "user.login_failed", "review_user", name)
        return None
    session.execute(update(LoginThrottle).where(LoginThrottle.key == pair_key)
                    .values(failures=0, blocked_until=None, updated_at=utcnow()))
    row = session.get(ReviewUser, candidate.user_id)
    append_audit_event(session, f"reviewer:{row.username}", "user.login", "review_user", row.id)
    return to_user(row)


def _count_failure(session: Session, key: str, free: int, policy: ThrottlePolicy) -> None:
    now = utcnow()
    insert_or_nothing(session, LoginThrottle, {"key": key, "failures": 0, "updated_at": now})
    stale = now - FORGET_AFTER
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.updated_at < stale)
                    .values(failures=0, blocked_until=None))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                    .values(failures=LoginThrottle.failures + 1, updated_at=now))
    failures = session.execute(select(LoginThrottle.failures).where(LoginThrottle.key == key)).scalar_one()
    wait = policy.delay(failures, free)
    if wait:
        session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                        .values(blocked_until=now + timedelta(seconds=wait)))


def forget_stale(session: Session, now: datetime | None = None) -> int:
    """Drop counts nobody has added to for a while (a worker duty)."""
    from sqlalchemy import delete

    cutoff = (now or utcnow()) - FORGET_AFTER
    return session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < cutoff)).rowcount


_dummy: list[str] = []


def dummy_hash() -> str:
    """A hash checked for unknown user names, computed once, so they cost as much as known ones."""
    if not _dummy:
        _dummy.append(hasher().hash("not-a-real-password"))
    return _dummy[0]
