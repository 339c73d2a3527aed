"""``qinglang rescreen``: replay stored contents through a candidate policy, lexicon or model (a backtest)."""

from __future__ import annotations

import json
import sys
from datetime import UTC
from pathlib import Path

import click

from qinglang.cli.db import open_sessions, reports_errors

_WHEN = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _bar(total: int):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(file=sys.stderr, unit="content", desc="rescreen", total=total)


def _ratio(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _echo_text(body: dict, describe: str) -> None:
    click.echo(f"rescreen with {describe}: {body['scanned']} contents, {body['changed']} would change")
    click.echo("verdict   before  after")
    for verdict, n in body["verdicts"].items():
        click.echo(f"{verdict:<9} {n['before']:>6} {n['after']:>6}")
    click.echo("category  before  after")
    for category, n in body["categories"].items():
        click.echo(f"{category:<11} {n['before']:>4} {n['after']:>6}")
    click.echo(f"against {body['reviewed']} human review decisions (flagged = review or block):")
    for name in ("current", "candidate"):
        m = body[name]
        click.echo(f"  {name:<9} precision {_ratio(m['precision'])} recall {_ratio(m['recall'])} "
                   f"(tp {m['true_positive']}, fp {m['false_positive']}, fn {m['false_negative']})")
    for c in body["changes"]:
        human = f" [reviewed: {c['human']}]" if c["human"] else ""
        click.echo(f"  {c['content_id']} v{c['version']} (#{c['version_pk']}): {c['before']['verdict']}/"
                   f"{c['before']['category']} -> {c['after']['verdict']}/{c['after']['category']}{human}")
    if body["changes_truncated"]:
        click.echo(f"  ... {body['changed'] - len(body['changes'])} more changes not listed (--max-changes)")


@click.command("rescreen")
@click.option("--policy", "policy_path", type=_FILE, help="a candidate policy file")
@click.option("--extra-terms", type=_FILE, help="a TSV of terms added to the live lexicon "
              "(columns term, category, sublabel, severity, source)")
@click.option("--lexicon", "lexicon_path", type=_FILE, help="a TSV that replaces the live lexicon")
@click.option("--model-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a candidate classifier model folder (meta.json + weights.npz)")
@click.option("--from", "since", type=_WHEN, help="contents received at or after this UTC time")
@click.option("--to", "until", type=_WHEN, help="contents received before this UTC time")
@click.option("--account", "account_id", help="one account's contents")
@click.option("--book", "book_id", help="one book's chapters")
@click.option("--page-size", type=click.IntRange(1, 10_000), default=500, show_default=True)
@click.option("--max-changes", type=click.IntRange(0, 1_000_000), default=10_000, show_default=True,
              help="list at most this many changed contents (all are counted)")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def rescreen_command(policy_path, extra_terms, lexicon_path, model_dir, since, until, account_id, book_id,
                     page_size, max_changes, as_json) -> None:
    """Replay stored contents (the newest version of each) through a candidate; write nothing. Prints how
    decisions would change and the precision and recall of the current and the candidate decisions against
    cases people closed as violation or no violation."""
    from qinglang.config import load_settings
    from qinglang.services import rescreen

    settings = load_settings()
    candidate = rescreen.build_candidate(settings.screening, policy_path=policy_path, extra_terms=extra_terms,
                                         lexicon_path=lexicon_path, model_dir=model_dir)
    scope = rescreen.Scope(since.replace(tzinfo=UTC) if since else None,
                           until.replace(tzinfo=UTC) if until else None, account_id, book_id)
    sessions = open_sessions(settings)
    bar = _bar(rescreen.count(sessions, scope))
    tally = rescreen.rescreen(sessions, candidate, scope, page_size=page_size, max_changes=max_changes,
                              on_page=bar.update if bar is not None else None, batch=settings.batch)
    if bar is not None:
        bar.close()
    body = tally.to_dict()
    if as_json:
        click.echo(json.dumps({"candidate": candidate.describe, **body}, ensure_ascii=False, indent=2))
    else:
        _echo_text(body, candidate.describe)


def register(group: click.Group) -> None:
    group.add_command(rescreen_command)
