"""The default batch engine: a process pool on this machine (``concurrent.futures.ProcessPoolExecutor``).

Workers are started by ``forkserver`` where the platform has it (a clean process to fork from, so a web
server's or a database driver's threads are never copied into a worker), otherwise by ``spawn``. The pool is
started at the first job with more than one chunk and stopped by :meth:`close`; a job of one chunk, or an
engine of one worker, runs in the calling process and starts nothing.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain
from typing import TypeVar

from qinglang.engine.base import BatchEngine, in_order

T = TypeVar("T")
R = TypeVar("R")


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class LocalPoolEngine(BatchEngine):
    """Chunks on ``workers`` local processes (default: the machine's cores), results in order."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())
        return self._pool

    def map_chunks(self, fn: Callable[[list[T]], R], chunks: Iterable[list[T]]) -> Iterator[R]:
        it = iter(chunks)
        first = next(it, None)
        if first is None:
            return
        second = next(it, None)
        if second is None or self.workers == 1:  # nothing to share out: no process is worth starting
            yield from (fn(chunk) for chunk in chain([first], [] if second is None else [second], it))
            return
        pool = self._started()
        # two chunks per worker in flight: a worker finishing one always finds the next one waiting
        yield from in_order(lambda chunk: pool.submit(fn, chunk), lambda future: future.result(),
                            chain([first, second], it), 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
