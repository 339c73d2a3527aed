"""A small bounded HTTP load generator on asyncio and httpx: a fixed list of requests, a fixed number of
connections, and a deadline. Nothing runs unbounded: it stops when every request was sent or the deadline passed,
and reports what it did (requests/s, latency percentiles, status codes, transport errors by kind)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from bench.corpus import percentile


@dataclass(frozen=True, slots=True)
class Call:
    """One request to send: method, path (joined to the base URL), body bytes and headers."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadResult:
    sent: int
    seconds: float
    latencies_s: tuple[float, ...]  # of the answered requests, in completion order
    statuses: dict[int, int]
    errors: dict[str, int]  # transport errors by exception class
    stopped_by_deadline: bool

    def summary(self) -> dict:
        ordered = sorted(self.latencies_s)
        answered = len(ordered)
        return {
            "requests": self.sent,
            "answered": answered,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(answered / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(ordered, 50) * 1000, 2) if ordered else None,
            "p99_ms": round(percentile(ordered, 99) * 1000, 2) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "non_2xx": sum(v for k, v in self.statuses.items() if k // 100 != 2),
            "transport_errors": dict(self.errors),
            "stopped_by_deadline": self.stopped_by_deadline,
        }


async def run_load(client: httpx.AsyncClient, calls: Sequence[Call], concurrency: int, deadline_s: float) -> LoadResult:
    """Send every call once over ``concurrency`` concurrent senders (each waits for its answer before the next),
    stopping early at ``deadline_s`` seconds."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    next_call = iter(range(len(calls)))
    sent = 0
    started = time.perf_counter()
    stop_at = started + deadline_s
    late = False

    async def sender() -> None:
        nonlocal sent, late
        for i in next_call:  # one shared iterator: each call is taken by exactly one sender
            if time.perf_counter() >= stop_at:
                late = True
                return
            call = calls[i]
            sent += 1
            begin = time.perf_counter()
            try:
                response = await client.request(call.method, call.path, content=call.body, headers=call.headers)
            except httpx.TransportError as exc:
                errors[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - begin)
            statuses[response.status_code] += 1

    await asyncio.gather(*(sender() for _ in range(min(concurrency, len(calls)) or 1)))
    return LoadResult(sent, time.perf_counter() - started, tuple(latencies), dict(statuses), dict(errors), late)


def load(base_url: str, calls: Sequence[Call], concurrency: int, deadline_s: float, timeout_s: float = 30.0) -> dict:
    """:func:`run_load` against ``base_url`` with keep-alive connections (one per sender); returns the summary."""

    async def main() -> LoadResult:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout_s) as client:
            return await run_load(client, calls, concurrency, deadline_s)

    return asyncio.run(main()).summary()
