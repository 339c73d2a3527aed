"""``qinglang lists add|remove|import|export|show``: the blacklist/allowlist register."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from qinglang.cli.db import cli_actor, open_sessions, reports_errors

KINDS = ("account", "operator", "domain", "url", "qr_payload", "contact", "text_fingerprint", "image_hash", "term")


def _sessions():
    from qinglang.config import load_settings

    return open_sessions(load_settings())


@click.group("lists")
def lists_group() -> None:
    """The blacklist/allowlist register (checked at screening time)."""


@lists_group.command("add")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("value")
@click.option("--list", "list_name", type=click.Choice(["block", "allow"]), default="block", show_default=True)
@click.option("--reason", default="", help="why (shown to reviewers)")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="UTC expiry")
@click.option("--json", "as_json", is_flag=True)
@click.option("--dry-run", is_flag=True, help="validate and show the entry without adding it")
@reports_errors
def add_command(kind, value, list_name, reason, expires, as_json, dry_run) -> None:
    """Add KIND VALUE to a list, e.g. `qinglang lists add domain bad.example --reason 引流`."""
    from datetime import UTC

    from qinglang.services import lists
    from qinglang.storage.db import transaction

    new = lists.NewListEntry(list_name, kind, value, reason, expires.replace(tzinfo=UTC) if expires else None)
    with transaction(_sessions()) as session:
        if dry_run:
            list_name, kind, value = lists.check_new_entry(session, new)
            click.echo(json.dumps({"would_add": {"list": list_name, "kind": kind.value, "value": value}}))
            return
        entry = lists.add_entry(session, new, actor=cli_actor())
    _print_entries([entry], as_json, prefix="added")


@lists_group.command("remove")
@click.argument("entry_id", type=int)
@click.option("--reason", default="")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def remove_command(entry_id: int, reason: str, as_json: bool) -> None:
    """Remove an entry by id (it stays in the history, marked removed)."""
    from qinglang.services import lists
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        entry = lists.remove_entry(session, entry_id, actor=cli_actor(), reason=reason)
    _print_entries([entry], as_json, prefix="removed")


@lists_group.command("import")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="default: from the file name")
@click.option("--dry-run", is_flag=True, help="count what would be added without adding")
@reports_errors
def import_command(path, fmt: str | None, dry_run: bool) -> None:
    """Import entries from a JSONL or CSV file (`-` for stdin); existing entries are skipped."""
    from qinglang.services import lists
    from qinglang.storage.db import transaction

    fmt = fmt or ("csv" if str(path.name).endswith(".csv") else "jsonl")
    rows = lists.parse_import(path.read(), fmt)
    with transaction(_sessions()) as session:
        report = lists.import_entries(session, rows, actor=cli_actor(), dry_run=dry_run)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    if report.errors:
        sys.exit(1)


@lists_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
@reports_errors
def export_command(fmt: str, output) -> None:
    """Export the entries in force (JSONL or CSV), readable by `lists import`."""
    from qinglang.services import lists
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        output.write(lists.export_entries(lists.active_entries(session), fmt))


@lists_group.command("show")
@click.option("--list", "list_name", type=click.Choice(["block", "allow"]))
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--all", "include_inactive", is_flag=True, help="also removed and expired entries")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def show_command(list_name, kind, include_inactive, limit, as_json) -> None:
    """Show entries, oldest first."""
    from qinglang.services import lists
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        entries = lists.list_entries(
            session, list_name=list_name, kind=kind, active_only=not include_inactive, limit=limit
        )
    _print_entries(entries, as_json)


def _print_entries(entries, as_json: bool, prefix: str = "") -> None:
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
        return
    for e in entries:
        expiry = f" until {_short(e.expires_at)}" if e.expires_at else ""
        state = " (removed)" if e.removed_at else ""
        lead = f"{prefix} " if prefix else ""
        click.echo(f"{lead}#{e.id} {e.list} {e.kind.value} {e.value}{expiry}{state}  {e.reason}".rstrip())


def _short(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def register(group: click.Group) -> None:
    group.add_command(lists_group)
