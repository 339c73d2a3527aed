"""``qinglang db upgrade|current``: the database schema, through Alembic."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from qinglang.config import Settings


def cli_actor() -> str:
    """Who a CLI change is recorded as in the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    from qinglang.storage.db import make_engine, make_session_factory

    return make_session_factory(make_engine(settings.database.url, echo=settings.database.echo))


def upgrade_database(settings: Settings) -> str | None:
    """Bring the configured database to the newest schema and return its revision."""
    from qinglang.storage.db import make_engine
    from qinglang.storage.migrate import current_revision, upgrade

    engine = make_engine(settings.database.url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


@click.group("db")
def db_group() -> None:
    """The database: schema upgrades and the current revision."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Migrate the database (QINGLANG_DATABASE__URL) to the newest schema. Safe to run repeatedly."""
    from qinglang.config import load_settings

    revision = upgrade_database(load_settings())
    click.echo(f"database at revision {revision}")


@db_group.command("current")
def current_command() -> None:
    """Print the database's schema revision (none before the first upgrade)."""
    from qinglang.config import load_settings
    from qinglang.storage.db import make_engine
    from qinglang.storage.migrate import current_revision

    engine = make_engine(load_settings().database.url)
    try:
        click.echo(current_revision(engine) or "none (run `qinglang db upgrade`)")
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(db_group)


def reports_errors(func):
    """Turn qinglang errors into a one-line message with the stable code and exit status 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from qinglang.errors import QinglangError

        try:
            return func(*args, **kwargs)
        except QinglangError as exc:
            raise click.ClickException(f"{exc.code}: {exc.message}") from exc

    return wrapper
