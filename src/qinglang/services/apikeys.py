"""API keys with scopes. Only the sha256 of a secret is stored; the secret is shown once, at creation."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.errors import InvalidInput, NotFound, Unauthorized
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import ApiKeyRow

SCOPES = (
    "screen",
    "contents:read",
    "contents:write",
    "accounts:read",
    "accounts:write",
    "lists:read",
    "lists:write",
    "metrics",
    "admin",
)
SECRET_PREFIX = "qlk_"
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _to_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(row.id, row.name, tuple(row.scopes), row.created_at, row.revoked_at, row.last_used_at)


def create_api_key(session: Session, name: str, scopes: Sequence[str], *, actor: str) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret (the only time the secret is available)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(
            f"unknown or missing scopes {unknown}; use some of {', '.join(SCOPES)}", code="invalid_scope"
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(id=secrets.token_hex(8), name=name, key_hash=hash_secret(secret), scopes=sorted(set(scopes)))
    session.add(row)
    session.flush()
    append_audit_event(
        session,
        actor=actor,
        action="api_key.created",
        subject_type="api_key",
        subject_id=row.id,
        data={"name": name, "scopes": row.scopes},
    )
    return _to_key(row), secret


def list_api_keys(session: Session) -> Sequence[ApiKey]:
    return [_to_key(row) for row in session.execute(select(ApiKeyRow).order_by(ApiKeyRow.created_at)).scalars()]


def revoke_api_key(session: Session, key_id: str, *, actor: str) -> ApiKey:
    row = session.get(ApiKeyRow, key_id)
    if row is None:
        raise NotFound(f"API key {key_id!r} does not exist; see `qinglang apikeys list`", code="api_key_not_found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        append_audit_event(
            session,
            actor=actor,
            action="api_key.revoked",
            subject_type="api_key",
            subject_id=row.id,
            data={"name": row.name},
        )
    return _to_key(row)


class KeyAuthenticator:
    """Resolves secrets to keys with a short cache, so a request does not always read the database.

    A revocation made elsewhere takes effect within ``ttl`` seconds.
    """

    def __init__(self, sessions: sessionmaker[Session], ttl: float = 10.0) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._cache: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def authenticate(self, secret: str) -> ApiKey:
        digest = hash_secret(secret)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        key = self._load(digest)
        with self._lock:
            self._cache[digest] = (now, key)
        return key

    def _load(self, digest: str) -> ApiKey:
        with transaction(self._sessions) as session:
            row = session.execute(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest)).scalar_one_or_none()
            if row is None or row.revoked_at is not None:
                raise Unauthorized(
                    "the API key is unknown or revoked; create one with `qinglang apikeys create`",
                    code="invalid_api_key",
                )
            now = utcnow()
            if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
                row.last_used_at = now
            return _to_key(row)
