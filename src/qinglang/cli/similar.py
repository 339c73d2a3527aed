"""``qinglang similar``: near-duplicates of query lines in a corpus, batch-contract JSONL, no server or database."""

from __future__ import annotations

import sys
from contextlib import ExitStack

import click

from qinglang.cli.db import reports_errors
from qinglang.cli.screen import _open_input, _open_output


def _bar(desc: str):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(file=sys.stderr, unit="item", desc=desc)


@click.command("similar")
@click.option("--corpus", "corpus_path", required=True, help="JSONL of the items to search, or - for stdin.")
@click.option("--query", "query_path", required=True, help="JSONL of the items to look up, or - for stdin.")
@click.option("--output", "output_path", required=True, help="JSONL file to write, or - for stdout.")
@reports_errors
def similar(corpus_path: str, query_path: str, output_path: str) -> None:
    """For every query line, the corpus items that are near-duplicates of it (best first), one line each.
    Lines are fingerprinted on the batch engine of the settings (QINGLANG_BATCH__ENGINE: local or ray)."""
    from qinglang.config import load_settings
    from qinglang.engine import open_engine
    from qinglang.pipeline.contract import dumps_line
    from qinglang.similarity.batch import load_corpus, similar_lines

    if corpus_path == "-" and query_path == "-":
        raise click.UsageError("only one of --corpus and --query can be read from stdin")
    batch = load_settings().batch
    with ExitStack() as stack:
        engine = stack.enter_context(open_engine(batch))
        bar = _bar("indexing")
        load = load_corpus(_open_input(stack, corpus_path), on_line=bar.update if bar else None, engine=engine,
                           chunk_size=batch.chunk_size)
        if bar:
            bar.close()
        for number, error in load.errors:
            click.echo(f"corpus line {number} skipped: {error['error']}", err=True)
        source, sink = _open_input(stack, query_path), _open_output(stack, output_path)
        bar, counts = _bar("querying"), {"queries": 0, "with_matches": 0, "error": 0}
        for out in similar_lines(load.index, source, engine=engine, chunk_size=batch.chunk_size):
            sink.write(dumps_line(out))
            counts["queries"] += 1
            counts["error" if "error" in out else "with_matches"] += bool("error" in out or out["matches"])
            if bar:
                bar.update()
        sink.flush()
    if bar:
        bar.close()
    click.echo(f"indexed {len(load.index)} corpus items ({len(load.errors)} skipped); {counts['queries']} queries: "
               f"{counts['with_matches']} with near-duplicates, {counts['error']} errors", err=True)


def register(group: click.Group) -> None:
    group.add_command(similar)
