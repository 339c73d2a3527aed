"""``qinglang worker run``: the review worker as its own process (webhooks, expiry, lease reaping)."""

from __future__ import annotations

import json

import click


@click.group("worker")
def worker_group() -> None:
    """Background work: outbox delivery, action expiry, abandoned claims, audit checkpoints."""


@worker_group.command("run")
@click.option("--once", is_flag=True, help="do one pass and print what was done")
def run(once: bool) -> None:
    from qinglang.config import load_settings
    from qinglang.storage.db import make_engine, make_session_factory
    from qinglang.workers.review import worker_for

    settings = load_settings()
    worker = worker_for(settings, make_session_factory(make_engine(settings.database.url)))
    if once:
        click.echo(json.dumps(worker.run_once()))
        return
    click.echo(f"review worker {worker.owner} running; Ctrl-C stops it")
    try:
        worker.start().wait()
    except KeyboardInterrupt:
        worker.stop()
        click.echo("stopped")


def register(group: click.Group) -> None:
    group.add_command(worker_group)
