"""``qinglang sweep start|show|list|index``: sweeps from a confirmed case or an ad-hoc text or target."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from qinglang.cli.db import cli_actor, open_sessions, reports_errors

_SEED_OPTIONS = ("case_id", "text", "qr_payload", "contact", "domain", "url", "image_hash", "term")


def _settings():
    from qinglang.config import load_settings

    return load_settings()


def _plain(view) -> dict:
    out = dataclasses.asdict(view)
    out["created_at"] = view.created_at.isoformat()
    out["finished_at"] = view.finished_at.isoformat() if view.finished_at else None
    return out


def _echo_sweep(view, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(_plain(view), ensure_ascii=False, indent=2))
        return
    head = f"sweep #{view.id} from {view.seed_kind} {view.seed_value[:60]!r}"
    if view.status != "completed":
        click.echo(f"{head}: {view.status}{' (' + view.error + ')' if view.error else ''}")
        return
    click.echo(f"{head}: found {view.found}, opened {view.opened} cases")
    for item in view.items:
        state = "opened" if item.case_opened else "already open"
        click.echo(f"  case #{item.case_id} ({state})\t{item.content_id}\t{item.account_id or '-'}\t{item.reason}")


@click.group("sweep")
def sweep_group() -> None:
    """Sweeps (举一反三): from one confirmed case, open cases for its copies, shared targets and operator."""


@sweep_group.command("start")
@click.option("--case", "case_id", type=int, help="a case closed as a violation")
@click.option("--text", help="a text (a chapter, a teaser) to find near-duplicates of")
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="read the text from a UTF-8 file")
@click.option("--qr-payload", help="a decoded QR payload")
@click.option("--contact", help="a contact handle as the graph stores it, e.g. wechat:abc123")
@click.option("--domain", help="a domain")
@click.option("--url", help="a URL")
@click.option("--image-hash", help="a PDQ image hash (64 hex digits): images within 31 bits of it")
@click.option("--term", help="a term: the contents whose normalised title or text contains it")
@click.option("--dry-run", is_flag=True, help="show what the sweep would find; open nothing")
@click.option("--queue", "queue_only", is_flag=True,
              help="only queue the sweep; a running worker (qinglang serve / worker run) runs it")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def start_command(text_file: Path | None, dry_run: bool, queue_only: bool, as_json: bool, **seeds) -> None:
    """Start a sweep from exactly one seed; every content found gets a case in the `sweep` queue.

    It runs here, to the end, unless `--queue` leaves it to the worker (see `qinglang sweep show`)."""
    from qinglang.services import sweep_jobs, sweeps
    from qinglang.storage.db import transaction

    if text_file is not None:
        seeds["text"] = text_file.read_text("utf-8")
    seed = sweeps.seed_from_fields({k: seeds.get(k) for k in _SEED_OPTIONS})
    settings = _settings()
    if dry_run:
        hits = sweeps.preview(open_sessions(settings), seed, batch=settings.batch)
        rows = [dataclasses.asdict(h) for h in hits]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2) if as_json else
                   "\n".join(f"{h.content_id}\t{h.account_id or '-'}\t{h.reason}" for h in hits) or "nothing found")
        return
    if queue_only:
        with transaction(open_sessions(settings)) as session:
            view = sweep_jobs.queue_sweep(session, seed, actor=cli_actor())
    else:
        view = sweeps.start_sweep(open_sessions(settings), seed, actor=cli_actor(),
                                  sla_hours=settings.review.sla_hours, batch=settings.batch)
    _echo_sweep(view, as_json)


@sweep_group.command("show")
@click.argument("sweep_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def show_command(sweep_id: int, as_json: bool) -> None:
    """A sweep and every content it found, with its case and reason."""
    from qinglang.services import sweeps
    from qinglang.storage.db import transaction

    with transaction(open_sessions(_settings())) as session:
        view = sweeps.get_sweep(session, sweep_id)
    _echo_sweep(view, as_json)


@sweep_group.command("list")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def list_command(limit: int, as_json: bool) -> None:
    """The newest sweeps."""
    from qinglang.services import sweeps
    from qinglang.storage.db import transaction

    with transaction(open_sessions(_settings())) as session:
        views = sweeps.list_sweeps(session, limit=limit)
    if as_json:
        click.echo(json.dumps([_plain(v) for v in views], ensure_ascii=False, indent=2))
        return
    for v in views:
        click.echo(f"#{v.id}\t{v.created_at.isoformat()}\t{v.status}\t{v.seed_kind}:{v.seed_value[:40]}\t"
                   f"found {v.found}\topened {v.opened}\t{v.started_by}")
    if not views:
        click.echo("no sweeps yet")


@sweep_group.command("index")
@reports_errors
def index_command() -> None:
    """Fingerprint every stored content that has no current fingerprint (after an upgrade; sweeps do it too)."""
    from qinglang.services import similarity
    from qinglang.storage.db import transaction

    with transaction(open_sessions(_settings())) as session:
        written = similarity.backfill(session)
    click.echo(f"fingerprinted {written} content versions")


def register(group: click.Group) -> None:
    group.add_command(sweep_group)
