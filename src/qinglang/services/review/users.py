"""Console users, roles and password sign-in (argon2 hashes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized
from qinglang.services.review.audit import record
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import ReviewUser

MAX_FAILED_LOGINS = 10  # per user name in LOGIN_WINDOW
LOGIN_WINDOW = timedelta(minutes=15)

# Rank orders the reviewing roles; the auditor reads everything and decides nothing.
ROLE_RANK = {"auditor": -1, "reviewer": 0, "senior": 1, "lead": 2, "admin": 3}
ROLES = tuple(ROLE_RANK)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: str
    display_name: str

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    @property
    def actor(self) -> str:
        return f"reviewer:{self.username}"


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _to_user(row: ReviewUser) -> User:
    return User(id=row.id, username=row.username, role=row.role, display_name=row.display_name or row.username)


def create_user(
    session: Session, username: str, password: str, role: str, *, actor: str, display_name: str = ""
) -> User:
    if role not in ROLE_RANK:
        raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}", code="role_unknown")
    if len(password) < 10:
        raise InvalidInput("passwords need at least 10 characters", code="password_too_short")
    if session.execute(select(ReviewUser.id).where(ReviewUser.username == username)).first():
        raise Conflict(f"user {username!r} exists already", code="user_exists")
    row = ReviewUser(username=username, password_hash=_hasher().hash(password), role=role, display_name=display_name)
    session.add(row)
    session.flush()
    record(session, actor, "user.created", "review_user", row.id, username=username, role=role)
    return _to_user(row)


def sign_in(session: Session, username: str, password: str) -> User | None:
    """Check a password and record the attempt; ``None`` when it fails (a wrong name and a wrong password cost
    and look the same). The caller commits, so failed attempts stay in the audit log."""
    from argon2.exceptions import VerificationError

    _check_login_rate(session, username)
    row = session.execute(select(ReviewUser).where(ReviewUser.username == username)).scalar_one_or_none()
    try:
        if row is None or not row.active:
            _hasher().verify(_DUMMY_HASH(), password)
            raise VerificationError()
        _hasher().verify(row.password_hash, password)
    except VerificationError:
        record(session, f"anonymous:{username[:64]}", "user.login_failed", "review_user", username[:64])
        return None
    record(session, f"reviewer:{row.username}", "user.login", "review_user", row.id)
    return _to_user(row)


def authenticate(session: Session, username: str, password: str) -> User:
    user = sign_in(session, username, password)
    if user is None:
        raise Unauthorized("wrong user name or password", code="login_failed")
    return user


def _check_login_rate(session: Session, username: str) -> None:
    failures = session.execute(
        select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.action == "user.login_failed", AuditEventRow.subject_id == username[:64],
            AuditEventRow.at >= utcnow() - LOGIN_WINDOW,
        )
    ).scalar_one()
    if failures >= MAX_FAILED_LOGINS:
        raise RateLimited("too many failed sign-ins for this user; wait 15 minutes or ask an admin",
                          code="login_rate_limited")


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a constant computed once, so unknown names cost as much as known ones
    if not _dummy:
        _dummy.append(_hasher().hash("not-a-real-password"))
    return _dummy[0]


def find_user(session: Session, user_id: int) -> User | None:
    row = session.get(ReviewUser, user_id)
    return _to_user(row) if row is not None and row.active else None


def get_user_by_name(session: Session, username: str) -> User:
    row = session.execute(select(ReviewUser).where(ReviewUser.username == username)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no user {username!r}; list them with `qinglang users list`", code="user_not_found")
    return _to_user(row)


def list_users(session: Session) -> Sequence[User]:
    return [_to_user(r) for r in session.execute(select(ReviewUser).order_by(ReviewUser.id)).scalars()]


def require_rank(user: User, role: str) -> None:
    if user.rank < ROLE_RANK[role]:
        raise Forbidden(f"this needs the {role} role or higher; you are {user.role}", code="role_insufficient")
