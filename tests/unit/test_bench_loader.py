"""The bounded load generator (bench/aload.py): every call sent once, concurrency respected, statuses and
transport errors counted, and the deadline stops it."""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.aload import Call, run_load  # noqa: E402


def _run(handler, calls, concurrency, deadline_s=30.0):
    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://test") as client:
            return await run_load(client, calls, concurrency, deadline_s)

    # in a thread of its own: a browser test earlier in this worker may leave an event loop running here
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_every_call_is_sent_once_and_statuses_are_counted():
    seen = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        await asyncio.sleep(0)
        return httpx.Response(200 if int(request.content) % 4 else 503)

    calls = [Call("POST", "/v1/screen", str(i).encode()) for i in range(40)]
    result = _run(handler, calls, concurrency=8)
    assert sorted(seen) == sorted(c.body for c in calls)
    assert result.sent == 40 and len(result.latencies_s) == 40
    assert result.statuses == {200: 30, 503: 10}
    assert result.summary()["non_2xx"] == 10 and not result.stopped_by_deadline


def test_no_more_requests_are_in_flight_than_the_concurrency():
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.002)
        in_flight -= 1
        return httpx.Response(200)

    _run(handler, [Call("GET", "/healthz")] * 30, concurrency=3)
    assert peak == 3


def test_transport_errors_are_counted_by_kind_not_raised():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = _run(handler, [Call("GET", "/")] * 5, concurrency=2)
    assert result.errors == {"ConnectError": 5} and result.latencies_s == ()
    assert result.summary()["requests_per_s"] == 0.0


def test_the_deadline_stops_the_run():
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(200)

    result = _run(handler, [Call("GET", "/")] * 1000, concurrency=2, deadline_s=0.2)
    assert result.stopped_by_deadline and result.sent < 20


def test_concurrency_below_one_is_refused():
    with pytest.raises(ValueError):
        _run(lambda r: httpx.Response(200), [Call("GET", "/")], concurrency=0)
