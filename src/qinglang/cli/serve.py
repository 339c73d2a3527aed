"""``qinglang serve``: the HTTP API and console (OpenAPI at /docs) under uvicorn, plus the in-process worker.

The worker runs in a thread of this command's process, never inside the API app: ``create_app`` starts no
background loops, and ``--no-worker`` leaves the work to separate ``qinglang worker run`` processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from qinglang.config import Settings


def run_server(settings: Settings, host: str, port: int, runtime: Any = None, *, with_worker: bool = True) -> None:
    """Serve until interrupted; prints where it listens."""
    import uvicorn

    from qinglang.api.app import create_app

    app = create_app(settings, runtime)
    _preload(app.state.runtime.screening.screener)
    embedded = with_worker and settings.review.embedded_worker
    worker = _start_worker(app.state.runtime) if embedded else None
    click.echo(f"qinglang is serving on http://{host}:{port} (API docs: http://{host}:{port}/docs)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        if worker is not None:
            worker.stop()


def _preload(screener: Any) -> None:
    """Load detectors before the first request, so it is not the one that pays for it."""
    failures = screener.load() if hasattr(screener, "load") else {}
    for name, error in failures.items():
        click.echo(f"warning: detector {name} failed to load and will be recorded as failed: {error}", err=True)
    from qinglang.pipeline.screener import freeze_loaded_heap

    freeze_loaded_heap()


def _start_worker(runtime: Any) -> Any:
    from qinglang.workers.review import worker_for

    worker = worker_for(runtime.settings, runtime.sessions).start()
    click.echo(f"in-process worker {worker.owner} started (outbox, expiry, abandoned claims, audit checkpoints)")
    return worker


def run_processes(settings: Settings, host: str, port: int, processes: int, *, with_worker: bool = True) -> None:
    """Serve with ``processes`` API processes on one port (uvicorn's supervisor, each process building its app
    from the environment through :mod:`qinglang.api.asgi`); the in-process worker, when wanted, runs in the
    supervising process beside them."""
    import uvicorn

    worker = None
    if with_worker and settings.review.embedded_worker:
        from qinglang.storage.db import make_engine, make_session_factory
        from qinglang.workers.review import worker_for

        worker = worker_for(settings, make_session_factory(make_engine(settings.database.url))).start()
        click.echo(f"worker {worker.owner} started in the supervising process")
    click.echo(f"qinglang is serving on http://{host}:{port} with {processes} API processes")
    try:
        uvicorn.run("qinglang.api.asgi:app", factory=True, host=host, port=port, workers=processes,
                    log_level="warning", access_log=False)
    finally:
        if worker is not None:
            worker.stop()


@click.command("serve")
@click.option("--host", help="default: QINGLANG_API__HOST (127.0.0.1)")
@click.option("--port", type=int, help="default: QINGLANG_API__PORT (8000)")
@click.option("--processes", type=click.IntRange(1, 64), help="API processes on the port; default: "
              "QINGLANG_API__PROCESSES (1). Settings come from the environment when more than one.")
@click.option("--no-worker", is_flag=True, help="run no in-process worker (run `qinglang worker run` instead)")
def serve_command(host: str | None, port: int | None, processes: int | None, no_worker: bool) -> None:
    """Serve the HTTP API and console on the configured database (run `qinglang db upgrade` first)."""
    from qinglang.config import load_settings

    settings = load_settings()
    host, port, processes = host or settings.api.host, port or settings.api.port, processes or settings.api.processes
    if processes > 1:
        run_processes(settings, host, port, processes, with_worker=not no_worker)
    else:
        run_server(settings, host, port, with_worker=not no_worker)


def register(group: click.Group) -> None:
    group.add_command(serve_command)
