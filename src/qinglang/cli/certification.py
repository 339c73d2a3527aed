"""``qinglang certification list|history|refresh-practice``: reviewers' certificates, one reviewer's history,
and copying answered calibration cases and confirmed past cases into the practice set."""

from __future__ import annotations

import json

import click


@click.group("certification")
def certification_group() -> None:
    """Training and certification of reviewers (docs/review.md)."""


@certification_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """Every certificate that is not ``uncertified``: reviewer, category, level, round."""
    from qinglang.cli.audit import _sessions
    from qinglang.services.certification import certificates
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        rows = [{"reviewer": c.reviewer, "category": c.category, "level": c.level.value, "round": c.round}
                for per in certificates.all_certificates(session).values() for c in per.values()]
    for row in rows:
        click.echo(json.dumps(row) if as_json else
                   f"{row['reviewer']:<24} {row['category']:<12} {row['level']:<12} round {row['round']}")


@certification_group.command("history")
@click.argument("username")
def history(username: str) -> None:
    """One reviewer's certificate changes, newest first."""
    from qinglang.cli.audit import _sessions
    from qinglang.errors import QinglangError
    from qinglang.services.certification import certificates
    from qinglang.services.review import users
    from qinglang.storage.db import transaction

    try:
        with transaction(_sessions()) as session:
            lines = certificates.history(session, users.get_user_by_name(session, username).id)
    except QinglangError as exc:
        raise click.ClickException(f"{exc.message} [{exc.code}]") from exc
    for line in lines:
        click.echo(f"{line.at:%Y-%m-%d %H:%M}  {line.category:<12} {line.from_level} -> {line.to_level}  "
                   f"({line.reason}, {line.agreed}/{line.cases}, {line.actor})")


@certification_group.command("refresh-practice")
def refresh_practice() -> None:
    """Copy answered calibration cases and confirmed past cases not yet in the practice set."""
    from qinglang.cli.audit import _sessions
    from qinglang.services.certification import practice
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        added = practice.refresh_pool(session, "cli")
    click.echo(f"{added} case(s) added to the practice set")


def register(group: click.Group) -> None:
    group.add_command(certification_group)
