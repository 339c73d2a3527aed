"""``qinglang audit verify|checkpoint|export``: check the hash chain of the audit log against its signed
checkpoints, sign a new checkpoint, or export the log as JSON lines."""

from __future__ import annotations

import json
import sys

import click


def _settings():
    from qinglang.config import load_settings

    return load_settings()


def _sessions(settings=None):
    from qinglang.storage.db import make_engine, make_session_factory

    settings = settings or _settings()
    return make_session_factory(make_engine(settings.database.url))


def _print(report, as_json: bool, ok_line: str) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    elif report.ok:
        click.echo(ok_line)
    else:
        where = f"at event {report.broken_at}: " if report.broken_at is not None else ": "
        click.echo(f"audit chain BROKEN {where}{report.problem} ({report.checked} events before it are intact)",
                   err=True)


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit log and its signed checkpoints."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--since-checkpoint", is_flag=True, help="verify only the events after the newest checkpoint")
def verify(as_json: bool, since_checkpoint: bool) -> None:
    """Recompute every link of the chain and check it against every signed checkpoint; exit 1 and name the
    first broken event if any."""
    from qinglang.services.audit import checkpoint_store, verify_chain, verify_recent
    from qinglang.storage.db import transaction

    settings = _settings()
    store = checkpoint_store(settings)
    with transaction(_sessions(settings)) as session:
        report = verify_recent(session, store) if since_checkpoint else verify_chain(session, store)
    _print(report, as_json, f"audit chain ok: {report.checked} events checked up to event {report.verified_to.seq}, "
                            f"{report.checkpoints} signed checkpoints")
    sys.exit(0 if report.ok else 1)


@audit_group.command("checkpoint")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def checkpoint(as_json: bool) -> None:
    """Verify the chain since the newest checkpoint and sign its head into the checkpoint directory."""
    from qinglang.services.audit import checkpoint_store, write_checkpoint

    settings = _settings()
    store = checkpoint_store(settings)
    report, written = write_checkpoint(_sessions(settings), store)
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "written": written.to_dict() if written else None}))
    elif report.ok:
        click.echo(f"checkpoint of event {written.seq} written to {store.path}" if written
                   else f"no new events since the checkpoint of event {report.verified_to.seq}")
    else:
        _print(report, False, "")
    sys.exit(0 if report.ok else 1)


@audit_group.command("export")
@click.option("--actor", default=None, help="events whose actor contains this (reviewer:rev)")
@click.option("--kind", default=None, help="an action (case.decided) or a family ending in a dot (case.)")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="first UTC day")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="last UTC day")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
def export(actor: str | None, kind: str | None, since, until, fmt: str) -> None:
    """The events (all, or those the options select) oldest first, as JSON lines or CSV, to stdout."""
    from qinglang.services.audit import AuditFilter, export_range
    from qinglang.storage.db import transaction

    where = AuditFilter(actor=actor, kind=kind, since=since.date() if since else None,
                        until=until.date() if until else None)
    with transaction(_sessions()) as session:
        for chunk in export_range(session, where, fmt):
            click.echo(chunk, nl=False)


def register(group: click.Group) -> None:
    group.add_command(audit_group)
