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


@click.command("serve")
@click.option("--host", help="default: QINGLANG_API__HOST (127.0.0.1)")
@click.option("--port", type=int, help="default: QINGLANG_API__PORT (8000)")
@click.option("--no-worker", is_flag=True, help="run no in-process worker (run `qinglang worker run` instead)")
def serve_command(host: str | None, port: int | None, no_worker: bool) -> None:
    """Serve the HTTP API and console on the configured database (run `qinglang db upgrade` first)."""
    from qinglang.config import load_settings

    settings = load_settings()
    run_server(settings, host or settings.api.host, port or settings.api.port, with_worker=not no_worker)


def register(group: click.Group) -> None:
    group.add_command(serve_command)
