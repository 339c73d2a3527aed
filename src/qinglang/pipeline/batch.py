"""Screen a stream of raw JSONL lines in order, in this process or in a local process pool."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from qinglang.pipeline.contract import dumps_line, screen_line

if TYPE_CHECKING:
    from qinglang.config import ScreeningSettings
    from qinglang.pipeline.screener import Screener

_WORKER_SCREENER: Screener | None = None


def _init_worker(screening: ScreeningSettings) -> None:
    global _WORKER_SCREENER
    from qinglang.pipeline.screener import Screener, freeze_loaded_heap

    _WORKER_SCREENER = Screener.from_settings(screening)
    _WORKER_SCREENER.load()
    freeze_loaded_heap()


def _screen_in_worker(raw: bytes) -> bytes:
    assert _WORKER_SCREENER is not None, "worker was not initialised"
    return dumps_line(screen_line(_WORKER_SCREENER, raw))


def screen_lines(
    screener: Screener, lines: Iterable[bytes], *, workers: int = 1, screening: ScreeningSettings | None = None
) -> Iterator[bytes]:
    """Output lines, one per input line, in input order. ``workers > 1`` needs ``screening`` to rebuild the
    screener in each worker process."""
    if workers <= 1:
        for raw in lines:
            yield dumps_line(screen_line(screener, raw))
        return
    if screening is None:
        raise ValueError("a process pool needs the screening settings to build a screener per worker")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(screening,)) as pool:
        yield from pool.imap(_screen_in_worker, lines, chunksize=32)


def summarise(line: bytes, counts: Counter) -> None:
    """Count an output line by verdict (or ``error``)."""
    if line.startswith(b'{"id":') and b'"error":' in line and b'"verdict":' not in line:
        counts["error"] += 1
        return
    for verdict in (b"block", b"review", b"pass"):
        if b'"verdict":"' + verdict + b'"' in line:
            counts[verdict.decode()] += 1
            return
    counts["error"] += 1


def run_batch(
    screener: Screener,
    lines: Iterable[bytes],
    write: Callable[[bytes], object],
    *,
    workers: int = 1,
    screening: ScreeningSettings | None = None,
    on_line: Callable[[], object] | None = None,
) -> Counter:
    """Screen every line, write every output line, and return counts per verdict and errors."""
    counts: Counter = Counter()
    for out in screen_lines(screener, lines, workers=workers, screening=screening):
        write(out)
        summarise(out, counts)
        if on_line is not None:
            on_line()
    return counts
