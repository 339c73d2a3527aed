"""The engine the settings ask for (``batch.engine``, ``batch.workers``, ``batch.ray_address``)."""

from __future__ import annotations

from typing import Any

from qinglang.engine.base import BatchEngine
from qinglang.engine.local import LocalPoolEngine

ENGINES = ("local", "ray")
DEFAULT_CHUNK_SIZE = 1000


def open_engine(batch: Any | None) -> BatchEngine:
    """A batch engine from a ``BatchSettings`` (``None``: the local pool with its defaults). Use it as a context
    manager; ``engine = "ray"`` connects here, so a missing Ray or an unreachable cluster is reported before any
    work is read."""
    if batch is None or batch.engine == "local":
        return LocalPoolEngine(batch.workers if batch is not None else None)
    if batch.engine == "ray":
        from qinglang.engine.ray_engine import RayEngine

        return RayEngine(batch.workers, batch.ray_address)
    raise ValueError(f"unknown batch engine {batch.engine!r}; use one of {', '.join(ENGINES)}")


def inline_engine() -> BatchEngine:
    """The engine that runs every chunk in this process (a local pool of one worker): for callers given none."""
    return LocalPoolEngine(1)
