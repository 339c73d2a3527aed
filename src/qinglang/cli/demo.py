"""``qinglang demo``: a working system in one command, on ``qinglang.db`` in the working directory."""

from __future__ import annotations

import click

from qinglang.cli.db import upgrade_database
from qinglang.cli.serve import run_server

DEMO_DATABASE = "sqlite:///qinglang.db"
DEMO_KEY = "demo"  # the name of the API key a run prints; a rerun revokes the earlier one


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="load the data and create the key, then exit")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create/migrate qinglang.db, load the demo data, print a demo API key and start the server."""
    from qinglang.config import DatabaseSettings, load_settings
    from qinglang.services.apikeys import SCOPES, create_api_key, list_api_keys, revoke_api_key
    from qinglang.services.demo import ensure_demo_users, load_demo
    from qinglang.services.runtime import Runtime
    from qinglang.storage.db import transaction

    settings = load_settings(database=DatabaseSettings(url=DEMO_DATABASE))
    click.echo(f"database: qinglang.db at revision {upgrade_database(settings)}")
    runtime = Runtime.from_settings(settings)
    report = load_demo(runtime.sessions, runtime.screening, settings.review.sla_hours)
    click.echo(
        f"demo data: {report.operators} operators, {report.accounts} accounts, {report.list_entries} list entries "
        f"added; {report.contents} contents screened ({_verdicts(report.verdicts)})"
    )
    with transaction(runtime.sessions) as session:
        earlier = [k for k in list_api_keys(session) if k.name == DEMO_KEY and k.revoked_at is None]
        for key in earlier:  # one working demo key at a time, like the users' passwords below
            revoke_api_key(session, key.id, actor="demo")
        _key, secret = create_api_key(session, DEMO_KEY, SCOPES, actor="demo")
        users = ensure_demo_users(session)
    click.echo(f"demo API key (all scopes): {secret}" + (" (the earlier demo key is revoked)" if earlier else ""))
    for username, password in users.items():  # fresh passwords on every run: earlier ones no longer work
        click.echo(f"console user {username}: {password}")
    click.echo(f"console: http://{host}:{port}/console  report page: http://{host}:{port}/report")
    click.echo(f'try: curl -H "Authorization: Bearer {secret}" http://{host}:{port}/v1/contents/story-0001')
    if not no_serve:
        run_server(settings, host, port, runtime)


def _verdicts(counts: dict[str, int]) -> str:
    return ", ".join(f"{verdict} {n}" for verdict, n in sorted(counts.items())) or "none"


def register(group: click.Group) -> None:
    group.add_command(demo_command)
