"""``qinglang book refresh|show|list``: books and the roll-up of their chapters' decisions."""

from __future__ import annotations

import dataclasses
import json

import click

from qinglang.cli.db import open_sessions, reports_errors


def _sessions():
    from qinglang.config import load_settings

    return open_sessions(load_settings())


@click.group("book")
def book_group() -> None:
    """Books (serialized works): chapters rolled up to one risk, the patterns flagged, the shelf status."""


@book_group.command("refresh")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def refresh_command(as_json: bool) -> None:
    """Recompute every book's roll-up from its chapters (after an upgrade, or a change of the rules)."""
    from qinglang.services import books
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        count = books.refresh_all(session)
    click.echo(json.dumps({"books": count}) if as_json else f"{count} books refreshed")


@book_group.command("show")
@click.argument("book_id")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def show_command(book_id: str, as_json: bool) -> None:
    """A book, its roll-up and flags, and every chapter with its verdict."""
    from qinglang.services import books
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        view = books.get_book(session, book_id)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(view), ensure_ascii=False, indent=2))
        return
    b = view.book
    click.echo(f"book {b.id} ({b.status}) of {b.account_id or '-'}: {b.chapters} chapters, worst {b.worst_verdict}")
    for flag in view.risk.get("flags", []):
        click.echo(f"  flag {flag['kind']}: {flag['explanation']}")
    for c in view.chapters:
        number = "?" if c.chapter is None else c.chapter
        click.echo(f"  {number}\t{c.content_id}\t{c.verdict}\t{c.category}\t{c.max_score:.2f}")


@book_group.command("list")
@click.option("--flagged", is_flag=True, help="only books with a flagged pattern")
@click.option("--limit", type=click.IntRange(1, 200), default=50)
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def list_command(flagged: bool, limit: int, as_json: bool) -> None:
    """Books by id."""
    from qinglang.services import books
    from qinglang.storage.db import transaction

    with transaction(_sessions()) as session:
        items = books.list_books(session, flagged=True if flagged else None, limit=limit)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(b) for b in items], ensure_ascii=False, indent=2))
        return
    for b in items:
        click.echo(f"{b.id}\t{b.status}\t{b.chapters}\t{b.worst_verdict}\t{','.join(b.flags) or '-'}")


def register(group: click.Group) -> None:
    group.add_command(book_group)
