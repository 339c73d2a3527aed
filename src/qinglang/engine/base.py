"""The batch engine's one interface and the two helpers every engine shares (chunking, results in order)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily: a stream is never held whole.

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    if size < 1:
        raise ValueError("a chunk holds at least one item")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _each(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


def each(fn: Callable[[T], R]) -> Callable[[Sequence[T]], list[R]]:
    """A chunk function that applies ``fn`` to every item of a chunk (picklable when ``fn`` is)."""
    return partial(_each, fn)


def in_order(submit: Callable[[Any], Any], result: Callable[[Any], R], chunks: Iterable[Any],
             window: int) -> Iterator[R]:
    """Submit chunks with at most ``window`` in flight and yield their results in submission order.

    The window is backpressure, not scheduling: it bounds the memory held by finished-but-unread results and
    the number of chunks one job keeps running at once; the engine underneath decides where each runs."""
    pending: deque = deque()
    for chunk in chunks:
        if len(pending) >= window:
            yield result(pending.popleft())
        pending.append(submit(chunk))
    while pending:
        yield result(pending.popleft())


class BatchEngine:
    """Maps a pure function over chunks; results come back one per chunk, in the chunks' order.

    ``fn`` must be picklable (a module-level function, or a ``functools.partial`` of one) and free of side
    effects: an engine may run it in another process or on another machine, and may run a chunk again after a
    worker dies. Use an engine as a context manager so the workers it started are stopped."""

    name = "base"
    workers = 1

    def map_chunks(self, fn: Callable[[list[T]], R], chunks: Iterable[list[T]]) -> Iterator[R]:
        raise NotImplementedError

    def map(self, fn: Callable[[list[T]], list[R]], items: Iterable[T], *, chunk_size: int) -> Iterator[R]:
        """``fn`` over ``items`` a chunk at a time, flattened: one result per item when ``fn`` gives one per item."""
        for results in self.map_chunks(fn, chunked(items, chunk_size)):
            yield from results

    def close(self) -> None:
        """Stop what this engine started (nothing, by default)."""

    def __enter__(self) -> BatchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"
