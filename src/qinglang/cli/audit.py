"""``qinglang audit verify|export``: check the hash chain of the audit log, or export it as JSON lines."""

from __future__ import annotations

import json
import sys

import click


def _sessions():
    from qinglang.config import load_settings
    from qinglang.storage.db import make_engine, make_session_factory

    settings = load_settings()
    return make_session_factory(make_engine(settings.database.url))


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def verify(as_json: bool) -> None:
    """Recompute every link of the chain; exit 1 and name the first broken event if any."""
    from qinglang.services.review.audit import verify_chain
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        report = verify_chain(session)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    elif report.ok:
        click.echo(f"audit chain ok: {report.checked} events")
    else:
        click.echo(f"audit chain BROKEN at event {report.broken_at}: {report.problem} "
                   f"({report.checked} events before it are intact)", err=True)
    sys.exit(0 if report.ok else 1)


@audit_group.command("export")
def export() -> None:
    """Every event as one JSON line, oldest first, to stdout."""
    from qinglang.services.review.audit import export_jsonl
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        for line in export_jsonl(session):
            click.echo(line)


def register(group: click.Group) -> None:
    group.add_command(audit_group)
