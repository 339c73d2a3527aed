"""``qinglang apikeys create|list|revoke``: API keys with scopes. The secret is printed once, at creation."""

from __future__ import annotations

import json

import click

from qinglang.cli.db import cli_actor, open_sessions, reports_errors

SCOPE_HELP = "screen, contents:read, contents:write, accounts:read, accounts:write, lists:read, lists:write, admin"


@click.group("apikeys")
def apikeys_group() -> None:
    """API keys for the HTTP API."""


@apikeys_group.command("create")
@click.option("--name", required=True, help="who or what uses the key")
@click.option("--scope", "scopes", multiple=True, required=True, help=f"repeatable; one of {SCOPE_HELP}")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def create_command(name: str, scopes: tuple[str, ...], as_json: bool) -> None:
    """Create a key and print its secret (shown only now; store it safely)."""
    from qinglang.config import load_settings
    from qinglang.services.apikeys import create_api_key
    from qinglang.storage.db import transaction

    with transaction(open_sessions(load_settings())) as session:
        key, secret = create_api_key(session, name, scopes, actor=cli_actor())
    if as_json:
        click.echo(json.dumps({**key.to_dict(), "secret": secret}))
    else:
        click.echo(f"key {key.id} ({', '.join(key.scopes)})\nsecret: {secret}\nThe secret is shown only once.")


@apikeys_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """List keys (never their secrets)."""
    from qinglang.config import load_settings
    from qinglang.services.apikeys import list_api_keys
    from qinglang.storage.db import transaction

    with transaction(open_sessions(load_settings())) as session:
        keys = [k.to_dict() for k in list_api_keys(session)]
    if as_json:
        click.echo(json.dumps(keys))
        return
    for k in keys:
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        click.echo(f"{k['id']}  {k['name']:<20} {','.join(k['scopes']):<40} {state}")


@apikeys_group.command("revoke")
@click.argument("key_id")
@reports_errors
def revoke_command(key_id: str) -> None:
    """Revoke a key; requests with it are refused from now on."""
    from qinglang.config import load_settings
    from qinglang.services.apikeys import revoke_api_key
    from qinglang.storage.db import transaction

    with transaction(open_sessions(load_settings())) as session:
        key = revoke_api_key(session, key_id, actor=cli_actor())
    click.echo(f"key {key.id} revoked at {key.revoked_at.isoformat()}")


def register(group: click.Group) -> None:
    group.add_command(apikeys_group)
