"""Console users and their roles. Passwords are argon2 hashes; signing in lives in ``signin``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import Reviewer, ReviewerRole
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import ReviewUser

ROLES = tuple(r.value for r in ReviewerRole)
MIN_PASSWORD_CHARS = 10


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: ReviewerRole
    display_name: str

    @property
    def rank(self) -> int:
        return self.role.rank

    @property
    def actor(self) -> str:
        return f"reviewer:{self.username}"

    @property
    def reviewer(self) -> Reviewer:
        """The user as the review rules see them."""
        return Reviewer(self.id, self.role)


def hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def to_user(row: ReviewUser) -> User:
    return User(id=row.id, username=row.username, role=ReviewerRole(row.role),
                display_name=row.display_name or row.username)


def parse_role(role: str) -> ReviewerRole:
    try:
        return ReviewerRole(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}", code="role_unknown") from None


def create_user(
    session: Session, username: str, password: str, role: str, *, actor: str, display_name: str = ""
) -> User:
    role = parse_role(role)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"passwords need at least {MIN_PASSWORD_CHARS} characters", code="password_too_short")
    if session.execute(select(ReviewUser.id).where(ReviewUser.username == username)).first():
        raise Conflict(f"user {username!r} exists already", code="user_exists")
    row = ReviewUser(username=username, password_hash=hasher().hash(password), role=role.value,
                     display_name=display_name)
    session.add(row)
    session.flush()
    append_audit_event(session, actor, "user.created", "review_user", row.id, {"username": username, "role": role})
    return to_user(row)


def find_reviewer(session: Session, user_id: int | None) -> Reviewer | None:
    """Who a stored user id was, as the rules see them (``None`` for the system or a removed user)."""
    row = session.get(ReviewUser, user_id) if user_id is not None else None
    return Reviewer(row.id, ReviewerRole(row.role)) if row is not None else None


def get_user_by_name(session: Session, username: str) -> User:
    row = session.execute(select(ReviewUser).where(ReviewUser.username == username)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no user {username!r}; list them with `qinglang users list`", code="user_not_found")
    return to_user(row)


def get_user(session: Session, user_id: int) -> User:
    row = session.get(ReviewUser, user_id)
    if row is None:
        raise NotFound(f"no user {user_id}", code="user_not_found")
    return to_user(row)


def list_users(session: Session) -> Sequence[User]:
    return [to_user(r) for r in session.execute(select(ReviewUser).order_by(ReviewUser.id)).scalars()]


def require_rank(user: User, role: ReviewerRole | str) -> None:
    needed = ReviewerRole(role)
    if user.rank < needed.rank:
        raise Forbidden(f"this needs the {needed} role or higher; you are {user.role}", code="role_insufficient")
