"""A slow delivery is not delivered twice: the outbox lease is renewed right before each POST.

The clock is the test's: worker A leases three events and each of its POSTs takes 32 "seconds"; during A's
second POST, worker B runs. The first lease (60 s) has run out for the third event by then, so B takes and posts
it; the second event was renewed just before A posted it, so B leaves it alone; and A, renewing the third before
posting it, finds it taken and skips it. Without the renewal, B would take the second and third events while A
still holds them and both workers would post them.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from review_support import sessions_for
from sqlalchemy import select

from qinglang.services.review import enforcement, outbox
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.review import OutboxEvent


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        with transaction(factory) as s:
            for i in range(3):
                enforcement.apply_action(s, enforcement.NewAction("take_down", "content", f"c{i}", "r"), actor="t")
        yield factory


def _race(db, monkeypatch) -> Counter:
    clock = [utcnow()]
    monkeypatch.setattr(outbox, "utcnow", lambda: clock[0])
    posts: Counter = Counter()

    def fast(url, body, headers):
        posts[headers[outbox.EVENT_ID_HEADER]] += 1
        return 200

    def slow(url, body, headers):
        posts[headers[outbox.EVENT_ID_HEADER]] += 1
        clock[0] += timedelta(seconds=32)
        outbox.deliver_batch(db, "worker-b", url="http://hook", secret="s", post=fast)
        return 200

    outbox.deliver_batch(db, "worker-a", url="http://hook", secret="s", post=slow)
    outbox.deliver_batch(db, "worker-b", url="http://hook", secret="s", post=fast)  # anything left over
    return posts


def test_a_slow_batch_is_delivered_once(db, monkeypatch):
    posts = _race(db, monkeypatch)
    with transaction(db) as s:
        events = s.execute(select(OutboxEvent)).scalars().all()
    assert {e.status for e in events} == {"delivered"}
    assert sorted(posts.values()) == [1, 1, 1] and set(posts) == {e.event_id for e in events}


def test_without_the_renewal_the_same_race_posts_twice(db, monkeypatch):
    """The test above can fail: with the renewal switched off, the race doubles deliveries."""
    monkeypatch.setattr(outbox, "renew_lease", lambda *args: True)
    assert max(_race(db, monkeypatch).values()) == 2
