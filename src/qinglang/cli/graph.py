"""``qinglang graph accounts-for|targets-for|shared``: the drainage graph."""

from __future__ import annotations

import json

import click

from qinglang.cli.db import open_sessions, reports_errors

KINDS = ("url", "domain", "qr_payload", "contact", "image_hash")


def _sessions():
    from qinglang.config import load_settings

    return open_sessions(load_settings())


def _split_target(target: str, kind: str | None) -> tuple[str, str]:
    if kind:
        return kind, target
    prefix, sep, value = target.partition(":")
    if sep and prefix in KINDS:
        return prefix, value
    raise click.UsageError(f"give the target as KIND:VALUE (kinds: {', '.join(KINDS)}) or use --kind")


def _echo(rows: list[dict], as_json: bool, columns: tuple[str, ...]) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("nothing found")
    for row in rows:
        click.echo("\t".join(str(row[c]) if not isinstance(row[c], list) else ",".join(row[c]) for c in columns))


@click.group("graph")
def graph_group() -> None:
    """The drainage graph: accounts -> contents -> targets (links, QR payloads, contacts, image hashes)."""


@graph_group.command("accounts-for")
@click.argument("target")
@click.option("--kind", type=click.Choice(KINDS), help="the target kind, when TARGET is not KIND:VALUE")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def accounts_for_command(target: str, kind: str | None, as_json: bool) -> None:
    """Accounts whose contents point at TARGET, e.g. `qinglang graph accounts-for qr_payload:https://weixin.qq.com/g/x`."""
    from qinglang.services import drainage
    from qinglang.storage.db import transaction

    kind, value = _split_target(target, kind)
    with transaction(_sessions()) as session:
        rows = drainage.list_accounts_for_target(session, kind, value)
    _echo(rows, as_json, ("account_id", "contents", "first_seen", "last_seen"))


@graph_group.command("targets-for")
@click.argument("account")
@click.option("--kind", type=click.Choice(KINDS), help="only targets of this kind")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def targets_for_command(account: str, kind: str | None, as_json: bool) -> None:
    """Targets that the contents of ACCOUNT point at."""
    from qinglang.services import drainage
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        rows = drainage.list_targets_for_account(session, account, kind)
    _echo(rows, as_json, ("kind", "value", "contents", "first_seen", "last_seen"))


@graph_group.command("shared")
@click.option("--min-accounts", type=int, default=2, show_default=True)
@click.option("--kind", type=click.Choice(KINDS), help="only targets of this kind")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def shared_command(min_accounts: int, kind: str | None, limit: int, as_json: bool) -> None:
    """Targets that contents of at least --min-accounts accounts point at."""
    from qinglang.services import drainage
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        rows = drainage.list_shared_targets(session, min_accounts, kind, limit)
    _echo(rows, as_json, ("kind", "value", "account_count", "accounts"))


def register(group: click.Group) -> None:
    group.add_command(graph_group)
