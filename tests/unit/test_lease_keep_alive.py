"""``leases.kept_alive``: renews on a beat while the block runs, stops when the lease is lost, survives a
failed renewal, and never outlives its block."""

from __future__ import annotations

import threading

from qinglang.storage import leases


def test_renews_on_every_beat_until_the_block_ends():
    beats = []
    with leases.kept_alive(lambda: beats.append(1) or True, 0.01) as lost:
        threading.Event().wait(0.2)
    count = len(beats)
    threading.Event().wait(0.05)
    assert count >= 5 and len(beats) == count  # stopped with the block
    assert not lost.is_set()


def test_a_lost_lease_stops_the_renewals_and_says_so():
    calls = []
    with leases.kept_alive(lambda: calls.append(1) and False, 0.01) as lost:
        assert lost.wait(2)
        threading.Event().wait(0.05)
    assert len(calls) == 1


def test_a_renewal_that_fails_is_tried_again():
    calls = []

    def flaky() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("database briefly unreachable")
        return True

    with leases.kept_alive(flaky, 0.01) as lost:
        threading.Event().wait(0.1)
    assert len(calls) >= 3 and not lost.is_set()


def test_the_thread_is_gone_when_the_block_raises():
    before = threading.active_count()
    try:
        with leases.kept_alive(lambda: True, 0.01):
            raise RuntimeError("the job failed")
    except RuntimeError:
        pass
    assert threading.active_count() == before
