"""Idempotency keys: a request retried with the same key has its first effect and its first answer.

An integrator sends ``Idempotency-Key: <anything unique>`` on a POST it may retry (a timeout, a crashed
client); the console's decide form carries a fresh key per page. :func:`once` runs the work in a transaction
whose **first write** is the key's row (``INSERT ... ON CONFLICT DO NOTHING``):

- the first request inserts the row, does the work and stores its answer, all in one transaction;
- a repeat that arrives meanwhile waits for that transaction (its insert conflicts), then finds the stored
  answer and replays it; nothing is done twice;
- the same key with a different request body is refused (``idempotency_key_reused``): it is a client bug;
- a request that failed stored nothing (its transaction rolled back), so retrying it runs it again.

Keys are kept for a day (:func:`forget_old`, a worker duty).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.audit import canonical_json
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import IdempotencyKeyRow

KEEP_FOR = timedelta(days=1)
MAX_KEY_CHARS = 128


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(request: Any) -> str:
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


def check_key(key: str) -> str:
    require_text(key, "Idempotency-Key")
    if not 1 <= len(key) <= MAX_KEY_CHARS:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} characters", code="idempotency_key_invalid")
    return key


def once(sessions: sessionmaker[Session], scope: str, key: str | None, request: Any,
         work: Callable[[Session], tuple[int, dict[str, Any]]]) -> Answer:
    """Run ``work(session)`` (which returns ``(status, body)``) at most once per ``(scope, key)``."""
    if key is None:
        with transaction(sessions) as session:
            return Answer(*work(session))
    digest = request_hash(request)
    with transaction(sessions) as session:
        taken = insert_or_nothing(session, IdempotencyKeyRow, {"scope": scope, "key": check_key(key),
                                                               "request_hash": digest, "status_code": 0})
        if taken is None:
            return _replay(session, scope, key, digest)
        status, body = work(session)
        session.execute(update(IdempotencyKeyRow).where(IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key)
                        .values(status_code=status, response=body))
        return Answer(status, body)


def _replay(session: Session, scope: str, key: str, digest: str) -> Answer:
    row = session.execute(select(IdempotencyKeyRow).where(IdempotencyKeyRow.scope == scope,
                                                          IdempotencyKeyRow.key == key)).scalar_one()
    if row.request_hash != digest:
        raise InvalidInput("this Idempotency-Key was used for a different request; use a new key for a new request",
                           code="idempotency_key_reused")
    return Answer(row.status_code, dict(row.response or {}), replayed=True)


def forget_old(session: Session) -> int:
    return session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < utcnow() - KEEP_FOR)).rowcount
