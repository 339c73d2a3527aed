"""The batch engine: where corpus-wide work runs — fingerprinting a corpus, a sweep's near-duplicate search.

One interface, :class:`BatchEngine`: map a pure, module-level function over chunks of items and get one result
per chunk, **in the chunks' order**, whatever finished first. Two implementations:

- :class:`LocalPoolEngine` (``batch.engine = "local"``, the default): a process pool on this machine
  (``concurrent.futures``). One chunk, or one worker, runs in this process: nothing is started for a small job.
- :class:`RayEngine` (``batch.engine = "ray"``): Ray tasks, one per chunk, on the cluster at
  ``batch.ray_address`` (or a local Ray it starts). Needs the ``ray`` extra (``pip install 'qinglang[ray]'``).

The engine only moves work: which worker ran a chunk never changes what comes back, so the two engines give
identical results (the test suite checks it). The functions it maps live in the pure core (no database, no
web) and return failures as values; an exception raised in one is re-raised in the caller.
"""

from qinglang.engine.base import BatchEngine, chunked, each
from qinglang.engine.local import LocalPoolEngine
from qinglang.engine.ray_engine import RayEngine
from qinglang.engine.select import DEFAULT_CHUNK_SIZE, ENGINES, inline_engine, open_engine

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "ENGINES",
    "BatchEngine",
    "LocalPoolEngine",
    "RayEngine",
    "chunked",
    "each",
    "inline_engine",
    "open_engine",
]
