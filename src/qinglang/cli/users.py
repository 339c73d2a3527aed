"""``qinglang users create|list|reset-password|disable|enable|set-role``: console users and their roles."""

from __future__ import annotations

import json

import click

from qinglang.domain.review import ReviewerRole

ROLES = [r.value for r in ReviewerRole]


@click.group("users")
def users_group() -> None:
    """Console users (reviewer, senior, lead, admin, auditor)."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="the name shown in the console")
def create(username: str, role: str, password: str, display_name: str) -> None:
    from qinglang.cli.audit import _sessions
    from qinglang.errors import QinglangError
    from qinglang.services.review import users
    from qinglang.storage.db import transaction

    try:
        with transaction(_sessions()) as session:
            user = users.create_user(session, username, password, role, actor="cli", display_name=display_name)
    except QinglangError as exc:
        raise click.ClickException(f"{exc.message} [{exc.code}]") from exc
    click.echo(f"created {user.username} ({user.role})")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    from qinglang.cli.audit import _sessions
    from qinglang.services.review import users
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        rows = [{"id": u.id, "username": u.username, "role": u.role, "active": u.active}
                for u in users.list_users(session)]
    for row in rows:
        state = "" if row["active"] else "  disabled"
        click.echo(json.dumps(row) if as_json else f"{row['id']:>4}  {row['username']:<24} {row['role']}{state}")


def _manage(change) -> None:
    from qinglang.cli.audit import _sessions
    from qinglang.errors import QinglangError
    from qinglang.storage.db import transaction

    try:
        with transaction(_sessions()) as session:
            user = change(session)
    except QinglangError as exc:
        raise click.ClickException(f"{exc.message} [{exc.code}]") from exc
    click.echo(f"{user.username}: {user.role}, {'active' if user.active else 'disabled'}")


@users_group.command("reset-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def reset_password(username: str, password: str) -> None:
    """Set a new password; the user's console sessions end."""
    from qinglang.services.review import users

    _manage(lambda s: users.reset_password(s, users.SYSTEM, username, password))


@users_group.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Stop a user signing in; their console sessions end at once."""
    from qinglang.services.review import users

    _manage(lambda s: users.set_active(s, users.SYSTEM, username, False))


@users_group.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    from qinglang.services.review import users

    _manage(lambda s: users.set_active(s, users.SYSTEM, username, True))


@users_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username: str, role: str) -> None:
    """Change a user's role (their sessions end; they sign in again with the new role)."""
    from qinglang.services.review import users

    _manage(lambda s: users.change_role(s, users.SYSTEM, username, role))


def register(group: click.Group) -> None:
    group.add_command(users_group)
