"""Concurrency: twenty reviewers claiming at once never share a case; a worker dying mid-delivery loses and
duplicates nothing the receiver sees (it deduplicates by event id)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from review_support import file, make_user, sessions_for
from sqlalchemy import select, update

from qinglang.services.review import enforcement, outbox, queue
from qinglang.storage.db import transaction
from qinglang.storage.tables.review import OutboxEvent


def test_twenty_reviewers_claiming_at_once_never_share_a_case(database_url):
    with sessions_for(database_url) as db:
        for n in range(30):
            file(db, target_id=f"art-{n}", ip=f"10.0.{n}.1")
        reviewers = [make_user(db, f"r{n}", "reviewer") for n in range(20)]
        barrier = threading.Barrier(20)

        def claim(user):
            barrier.wait()
            with transaction(db) as s:
                case = queue.claim_next(s, user, lease_seconds=600)
                return case.id if case else None

        with ThreadPoolExecutor(20) as pool:
            got = list(pool.map(claim, reviewers))
    assert None not in got and len(set(got)) == 20


def _actions(db, n: int) -> None:
    with transaction(db) as s:
        for i in range(n):
            enforcement.apply_action(s, enforcement.NewAction("take_down", "content", f"c{i}", "r"), actor="t")


def test_worker_killed_mid_delivery_loses_and_duplicates_nothing(database_url):
    received: dict[str, int] = {}

    def crashing_post(url, body, headers):
        received[headers[outbox.EVENT_ID_HEADER]] = received.get(headers[outbox.EVENT_ID_HEADER], 0) + 1
        raise SystemExit("worker killed after posting, before recording the delivery")

    def post(url, body, headers):
        received[headers[outbox.EVENT_ID_HEADER]] = received.get(headers[outbox.EVENT_ID_HEADER], 0) + 1
        return 200

    with sessions_for(database_url) as db:
        _actions(db, 5)
        try:
            outbox.deliver_batch(db, "dead-worker", url="http://hook", secret="s", post=crashing_post)
        except SystemExit:
            pass
        with transaction(db) as s:  # the dead worker's lease runs out
            s.execute(update(OutboxEvent).values(lease_expires_at=outbox.utcnow().replace(year=2000)))
        assert outbox.deliver_batch(db, "new-worker", url="http://hook", secret="s", post=post) == 5
        assert outbox.deliver_batch(db, "new-worker", url="http://hook", secret="s", post=post) == 0
        with transaction(db) as s:
            events = s.execute(select(OutboxEvent)).scalars().all()
    assert {e.status for e in events} == {"delivered"}
    assert set(received) == {e.event_id for e in events}  # nothing lost; duplicates share an event id


def test_failed_delivery_backs_off_and_retries(database_url):
    with sessions_for(database_url) as db:
        _actions(db, 1)
        assert outbox.deliver_batch(db, "w", url="http://hook", secret="s", post=lambda *a: 503) == 0
        with transaction(db) as s:
            event = s.execute(select(OutboxEvent)).scalar_one()
            assert event.attempts == 1 and event.next_attempt_at > outbox.utcnow() and event.last_error == "HTTP 503"


def test_signature_verifies_and_rejects_tampering():
    body = b'{"a":1}'
    header = outbox.sign("k", body, 1_700_000_000)
    assert outbox.verify_signature("k", body, header, now=1_700_000_010)
    assert not outbox.verify_signature("k", b'{"a":2}', header, now=1_700_000_010)
    assert not outbox.verify_signature("k", body, header, now=1_700_009_999)


