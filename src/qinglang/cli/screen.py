"""``qinglang screen``: the batch contract of DESIGN.md §5 (JSONL in, JSONL out, no server or database)."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click


def _open_input(stack: ExitStack, path: str):
    if path == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        raise click.ClickException(f"cannot read input {path}: {exc.strerror}") from None


def _open_output(stack: ExitStack, path: str):
    if path == "-":
        return sys.stdout.buffer
    try:
        return stack.enter_context(open(path, "wb"))
    except OSError as exc:
        raise click.ClickException(f"cannot write output {path}: {exc.strerror}") from None


def _build(policy: Path | None, detectors: str | None):
    from qinglang.config import load_settings
    from qinglang.errors import QinglangError
    from qinglang.pipeline import Screener

    try:
        screening = load_settings().screening
        update = {"policy_path": policy} if policy else {}
        if detectors is not None:
            update["detectors"] = [d.strip() for d in detectors.split(",") if d.strip()]
        screening = screening.model_copy(update=update)
        return screening, Screener.from_settings(screening)
    except QinglangError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from None


def _progress():
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(file=sys.stderr, unit="item", desc="screening")


@click.command("screen")
@click.option("--input", "input_path", required=True, help="JSONL file to screen, or - for stdin.")
@click.option("--output", "output_path", required=True, help="JSONL file to write, or - for stdout.")
@click.option(
    "--policy",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Policy file to use instead of the configured one.",
)
@click.option(
    "--detectors", help="Comma-separated detectors to run instead of the configured ones, e.g. lexicon,contacts."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Local worker processes for large files; output order is kept.",
)
def screen(input_path: str, output_path: str, policy: Path | None, detectors: str | None, workers: int) -> None:
    """Screen content items, one JSON object per line, and write one decision per line in the same order."""
    from qinglang.pipeline.batch import run_batch

    screening, screener = _build(policy, detectors)
    for name, error in screener.load().items():
        click.echo(f"warning: detector {name} failed to load, items will go to review: {error}", err=True)
    from qinglang.pipeline.screener import freeze_loaded_heap

    freeze_loaded_heap()
    bar = _progress()
    with ExitStack() as stack:
        source, sink = _open_input(stack, input_path), _open_output(stack, output_path)
        counts = run_batch(
            screener, source, sink.write, workers=workers, screening=screening, on_line=bar.update if bar else None
        )
        sink.flush()
    if bar:
        bar.close()
    total = sum(counts.values())
    parts = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("pass", "review", "block", "error"))
    click.echo(f"screened {total} lines: {parts}", err=True)


def register(group: click.Group) -> None:
    group.add_command(screen)
