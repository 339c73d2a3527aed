"""Webhook delivery from the transactional outbox.

Each event is POSTed as JSON with ``X-Qinglang-Event-Id`` and ``X-Qinglang-Signature: t=<unix>,v1=<hex>`` where
``v1 = HMAC-SHA256(secret, "<t>.<body>")``. Delivery is at-least-once: a worker leases a batch, posts, then marks
each event delivered; a worker that dies mid-delivery leaves its lease to expire and another worker redelivers
with the same event id, which the receiver uses to deduplicate. Failures back off exponentially.

The lease is **renewed right before each POST** (a compare-and-set on the lease owner): a batch whose earlier
deliveries were slow would otherwise outlive its lease, another worker would take the rest, and both would post
them. If the renewal finds the event taken over, this worker skips it. The lease (``review.webhook_lease_seconds``,
60 s) is longer than one POST may take (``review.webhook_timeout_seconds``, 10 s; the settings refuse otherwise),
so a renewed event cannot be taken while it is being posted."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.review import OutboxStatus
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import OutboxEvent

SIGNATURE_HEADER = "X-Qinglang-Signature"
EVENT_ID_HEADER = "X-Qinglang-Event-Id"
LEASE_SECONDS = 60


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, body: bytes, header: str, *, tolerance_s: int = 300, now: int | None = None) -> bool:
    """What a receiver does: check the MAC in constant time and refuse stale timestamps."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or int(time.time())) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def backoff_seconds(attempts: int, base: float) -> float:
    return min(base * (2 ** max(attempts - 1, 0)), 3600.0)


@dataclass(frozen=True, slots=True)
class Leased:
    id: int
    event_id: str
    body: bytes
    attempts: int


def lease_batch(factory: sessionmaker[Session], owner: str, *, limit: int = 20,
                lease_seconds: float = LEASE_SECONDS) -> list[Leased]:
    """Lease due events for ``owner``; an expired lease of a dead worker is taken over."""
    now = utcnow()
    free = and_(
        OutboxEvent.status == OutboxStatus.PENDING,
        OutboxEvent.next_attempt_at <= now,
        or_(OutboxEvent.lease_owner.is_(None), OutboxEvent.lease_expires_at < now),
    )
    with transaction(factory) as session:
        pick = select(OutboxEvent.id).where(free).order_by(OutboxEvent.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        ids = list(session.execute(pick).scalars())
        if not ids:
            return []
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), free)
            .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(select(OutboxEvent).where(OutboxEvent.id.in_(ids), OutboxEvent.lease_owner == owner))
        return [Leased(r.id, r.event_id, _body(r.payload), r.attempts) for r in rows.scalars()]


def _body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


Poster = Callable[[str, bytes, dict[str, str]], int]


def httpx_poster(timeout: float = 10.0) -> Poster:
    import httpx

    client = httpx.Client(timeout=timeout)

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return client.post(url, content=body, headers=headers).status_code

    return post


def renew_lease(factory: sessionmaker[Session], event: Leased, owner: str, lease_seconds: float) -> bool:
    """Extend our lease on one event; ``False`` when another worker has taken it over (then do not post it)."""
    with transaction(factory) as session:
        expected = {"lease_owner": owner, "status": OutboxStatus.PENDING}
        until = utcnow() + timedelta(seconds=lease_seconds)
        return compare_and_set(session, OutboxEvent, event.id, expected, {"lease_expires_at": until})


def deliver_batch(
    factory: sessionmaker[Session],
    owner: str,
    *,
    url: str,
    secret: str,
    post: Poster,
    max_attempts: int = 10,
    backoff_base: float = 2.0,
    lease_seconds: float = LEASE_SECONDS,
) -> int:
    """Deliver one leased batch; returns how many events were delivered."""
    delivered = 0
    for event in lease_batch(factory, owner, lease_seconds=lease_seconds):
        if not renew_lease(factory, event, owner, lease_seconds):
            continue  # our lease ran out and another worker has it now
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: event.event_id,
            SIGNATURE_HEADER: sign(secret, event.body, int(time.time())),
        }
        try:
            status, error = post(url, event.body, headers), ""
        except Exception as exc:  # noqa: BLE001 - any transport failure is a retry, recorded on the event
            status, error = 0, f"{type(exc).__name__}: {exc}"
        ok = 200 <= status < 300
        _settle(factory, event, owner, ok, error or f"HTTP {status}", max_attempts, backoff_base)
        delivered += ok
    return delivered


def _settle(factory, event: Leased, owner: str, ok: bool, error: str, max_attempts: int, base: float) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxEvent, event.id)
        if row is None or row.lease_owner != owner or row.status != OutboxStatus.PENDING:
            return  # our lease was taken over; the new owner settles it
        row.attempts += 1
        row.lease_owner, row.lease_expires_at = None, None
        if ok:
            row.status, row.delivered_at = OutboxStatus.DELIVERED, utcnow()
            append_audit_event(session, "worker", "outbox.delivered", "outbox_event", row.event_id,
                               {"attempts": row.attempts})
            return
        row.last_error = error[:500]
        if row.attempts >= max_attempts:
            row.status = OutboxStatus.DEAD
            append_audit_event(session, "worker", "outbox.dead", "outbox_event", row.event_id,
                               {"error": row.last_error})
        else:
            row.next_attempt_at = utcnow() + timedelta(seconds=backoff_seconds(row.attempts, base))
