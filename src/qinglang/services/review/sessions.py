"""Console sessions kept on the server: the cookie carries a random token, the ``review_sessions`` table its
SHA-256, the user and the session's CSRF token.

So a session ends for good when the user signs out (:func:`revoke`) or it expires, a stolen database does not
hold live cookies, and a cookie made up by anyone — signed with a leaked or well-known secret or not — opens
nothing: it maps to no row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from qinglang.services.review.users import User, to_user
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import ConsoleSession, ReviewUser


@dataclass(frozen=True, slots=True)
class SignedIn:
    """An open session: its user and the CSRF token every POST must carry."""

    user: User
    csrf: str
    session_id: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user: User, *, hours: int) -> tuple[str, SignedIn]:
    """A new session for ``user``: the cookie token (shown once) and the session."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = utcnow()
    row = ConsoleSession(id=_digest(token), user_id=user.id, csrf=csrf, created_at=now,
                         expires_at=now + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return token, SignedIn(user, csrf, row.id)


def find_session(session: Session, token: str | None) -> SignedIn | None:
    """The live session behind a cookie token, or ``None`` (unknown, revoked, expired, or its user disabled)."""
    if not token or len(token) > 256:
        return None
    now = utcnow()
    found = session.execute(
        select(ConsoleSession, ReviewUser).join(ReviewUser, ReviewUser.id == ConsoleSession.user_id)
        .where(ConsoleSession.id == _digest(token), ConsoleSession.revoked_at.is_(None),
               ConsoleSession.expires_at > now, ReviewUser.active.is_(True))
    ).first()
    if found is None:
        return None
    row, user = found
    return SignedIn(to_user(user), row.csrf, row.id)


def revoke(session: Session, signed_in: SignedIn) -> None:
    """Sign out: the cookie stops working at once, in every process."""
    session.execute(update(ConsoleSession).where(ConsoleSession.id == signed_in.session_id)
                    .values(revoked_at=utcnow()))
    append_audit_event(session, signed_in.user.actor, "user.logout", "review_user", signed_in.user.id)


def purge_ended(session: Session) -> int:
    """Delete sessions that expired or were revoked more than a day ago (a worker duty)."""
    cutoff = utcnow() - timedelta(days=1)
    stmt = delete(ConsoleSession).where((ConsoleSession.expires_at < cutoff) | (ConsoleSession.revoked_at < cutoff))
    return session.execute(stmt).rowcount
