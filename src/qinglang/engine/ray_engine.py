"""The Ray batch engine: one Ray task per chunk, on a cluster or on a local Ray.

``address`` is Ray's own: ``None`` starts a local Ray for this process (it lives as long as the process),
``"auto"`` joins the cluster started on this machine with ``ray start --head``, ``"host:6379"`` a cluster's
head, ``"ray://host:10001"`` a cluster through Ray Client. A process already connected to Ray (a test suite, a
Ray job) keeps its connection. Every node must have the same qinglang installed: a task carries the chunk and a
reference to the function, not the code.

Before ``ray.init`` the head's port is tried with a plain TCP connect (3 s), because ``ray.init`` waits
minutes on an address where nothing listens; either failure is :class:`~qinglang.errors.EngineUnavailable`,
with the address and what to check. Ray not installed is a ``missing_dependency`` :class:`ConfigError`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from qinglang.engine.base import BatchEngine, in_order
from qinglang.errors import ConfigError, EngineUnavailable

T = TypeVar("T")
R = TypeVar("R")
PROBE_SECONDS = 3.0


def import_ray() -> Any:
    """The ``ray`` module, or a ``missing_dependency`` error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise ConfigError("batch.engine is 'ray' but Ray is not installed: pip install 'qinglang[ray]', or set "
                          "QINGLANG_BATCH__ENGINE=local", code="missing_dependency") from None
    return ray


def head_endpoint(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of an address to probe; ``None`` for ``"auto"`` (Ray finds it). ``ValueError`` when the
    address has no port.

    >>> head_endpoint("ray://10.0.0.5:10001"), head_endpoint("auto")
    (('10.0.0.5', 10001), None)
    """
    if address in ("auto", "local"):
        return None
    bare = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = bare.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"Ray address {address!r} has no port: use host:6379, ray://host:10001 or auto")
    return host.strip("[]"), int(port)


def probe(address: str) -> None:
    """Raise :class:`EngineUnavailable` unless something listens on the address's head port."""
    try:
        endpoint = head_endpoint(address)
    except ValueError as exc:
        raise EngineUnavailable(str(exc)) from None
    if endpoint is None:
        return
    try:
        socket.create_connection(endpoint, timeout=PROBE_SECONDS).close()
    except OSError as exc:
        raise EngineUnavailable(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it "
                                "(ray start --head) or fix QINGLANG_BATCH__RAY_ADDRESS",
                                details={"address": address}) from None


def _apply(fn: Callable[[Any], Any], chunk: Any) -> Any:
    return fn(chunk)


class RayEngine(BatchEngine):
    """Chunks as Ray tasks, at most ``workers`` at a time (default: the cluster's CPUs), results in order."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        self._ray = import_ray()
        self.address = address
        self._connect()
        self.workers = max(1, workers or int(self._ray.cluster_resources().get("CPU", 1)))
        self._task = self._ray.remote(num_cpus=1)(_apply)

    def _connect(self) -> None:
        if self.address is not None:
            probe(self.address)
        if self._ray.is_initialized():
            return
        try:
            self._ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                           configure_logging=False)
        except Exception as exc:  # noqa: BLE001 - ray.init raises many kinds; all mean "no cluster here"
            where = self.address or "a local Ray"
            raise EngineUnavailable(f"cannot start or join {where}: {type(exc).__name__}: {exc}"[:500],
                                    details={"address": self.address}) from None

    def map_chunks(self, fn: Callable[[list[T]], R], chunks: Iterable[list[T]]) -> Iterator[R]:
        ray = self._ray
        shared = ray.put(fn)  # the function (and what a partial holds, e.g. a sweep's seed) is sent once
        yield from in_order(lambda chunk: self._task.remote(shared, chunk), ray.get, chunks, self.workers)
