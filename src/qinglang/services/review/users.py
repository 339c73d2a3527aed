"""Console users and their roles. Passwords are argon2 hashes; signing in lives in ``signin``.

Managing users (:func:`reset_password`, :func:`set_active`, :func:`change_role`) is for leads and admins, each
change audited: a lead manages users below the lead rank and grants roles below it; an admin manages everyone.
Nobody disables or demotes themselves (the last admin cannot lock everyone out). Resetting a password or
disabling a user ends their console sessions at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import Reviewer, ReviewerRole
from qinglang.domain.values import require_text
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
    active: bool = True

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
                display_name=row.display_name or row.username, active=bool(row.active))


def parse_role(role: str) -> ReviewerRole:
    try:
        return ReviewerRole(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}", code="role_unknown") from None


def create_user(
    session: Session, username: str, password: str, role: str, *, actor: str, display_name: str = ""
) -> User:
    role = parse_role(role)
    username = check_username(username)
    require_text(display_name or "", "display_name")
    _check_password(password)
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
    require_text(username, "username")
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


# --- managing users ------------------------------------------------------------------------------------------

MAX_PASSWORD_CHARS = 1024
SYSTEM = "cli"  # the operator at the command line: may manage everyone, like an admin


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"passwords need at least {MIN_PASSWORD_CHARS} characters", code="password_too_short")
    if len(password) > MAX_PASSWORD_CHARS or "\x00" in password:
        raise InvalidInput(f"passwords are at most {MAX_PASSWORD_CHARS} characters, without NUL",
                           code="password_invalid")


def _managed(session: Session, manager: User | str, username: str, *, grants: ReviewerRole | None = None) -> ReviewUser:
    """The row of ``username`` if ``manager`` may manage it (and grant ``grants``)."""
    require_text(username, "username")
    row = session.execute(select(ReviewUser).where(ReviewUser.username == username)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no user {username!r}; list them with `qinglang users list`", code="user_not_found")
    if isinstance(manager, str):
        return row
    if manager.rank < ReviewerRole.LEAD.rank:
        raise Forbidden("managing users needs the lead role or higher", code="role_insufficient")
    if manager.role is not ReviewerRole.ADMIN:
        lead_rank = ReviewerRole.LEAD.rank
        if ReviewerRole(row.role).rank >= lead_rank or (grants is not None and grants.rank >= lead_rank):
            raise Forbidden("a lead manages users below the lead rank; ask an admin", code="role_insufficient")
    return row


def _actor(manager: User | str) -> str:
    return manager if isinstance(manager, str) else manager.actor


def _end_sessions(session: Session, user_id: int) -> None:
    from sqlalchemy import update

    from qinglang.storage.base import utcnow
    from qinglang.storage.tables.review import ConsoleSession

    session.execute(update(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                 ConsoleSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def reset_password(session: Session, manager: User | str, username: str, password: str) -> User:
    _check_password(password)
    row = _managed(session, manager, username)
    row.password_hash = hasher().hash(password)
    _end_sessions(session, row.id)
    append_audit_event(session, _actor(manager), "user.password_reset", "review_user", row.id, {"username": username})
    return to_user(row)


def set_active(session: Session, manager: User | str, username: str, active: bool) -> User:
    row = _managed(session, manager, username)
    if not isinstance(manager, str) and row.id == manager.id and not active:
        raise InvalidInput("you cannot disable yourself", code="user_self_change")
    if row.active == active:
        return to_user(row)
    row.active = active
    if not active:
        _end_sessions(session, row.id)
    append_audit_event(session, _actor(manager), "user.enabled" if active else "user.disabled", "review_user", row.id,
                       {"username": username})
    return to_user(row)


def change_role(session: Session, manager: User | str, username: str, role: str) -> User:
    new = parse_role(role)
    row = _managed(session, manager, username, grants=new)
    if not isinstance(manager, str) and row.id == manager.id:
        raise InvalidInput("you cannot change your own role", code="user_self_change")
    old = row.role
    if old == new.value:
        return to_user(row)
    row.role = new.value
    _end_sessions(session, row.id)  # a session carries the role it was opened with
    append_audit_event(session, _actor(manager), "user.role_changed", "review_user", row.id,
                       {"username": username, "from": old, "to": new.value})
    return to_user(row)


def require_may_grant(manager: User, role: str) -> None:
    """A lead creates users below the lead rank; an admin creates any."""
    wanted = parse_role(role)
    if manager.rank < ReviewerRole.LEAD.rank or (manager.role is not ReviewerRole.ADMIN
                                                 and wanted.rank >= ReviewerRole.LEAD.rank):
        raise Forbidden("a lead creates users below the lead rank; ask an admin", code="role_insufficient")


def check_username(username: str) -> str:
    """1 to 64 letters, digits, ``.``, ``_`` or ``-``."""
    import re

    name = (username or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", name):
        raise InvalidInput("a user name is 1 to 64 letters, digits, '.', '_' or '-'", code="username_invalid")
    return name
