"""``qinglang model train|eval``: build the classifier model from labelled data and measure it."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

import click

from qinglang.errors import QinglangError


def _friendly(fn: Callable) -> Callable:
    """Show a QinglangError as ``error [code]: message`` and exit 1, instead of a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QinglangError as exc:
            raise click.ClickException(f"[{exc.code}] {exc.message}") from exc

    return wrapper


@click.group("model")
def model_group() -> None:
    """Train and evaluate the text classifier model."""


@model_group.command("train")
@click.option(
    "--data-dir", type=click.Path(exists=True, file_okay=False), help="shared data folder (the shipped model)"
)
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="your own labelled JSON/JSONL instead of --data-dir (repeatable)",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="folder to write meta.json + weights.npz")
@click.option("--work", default="build/heldout", show_default=True, type=click.Path(file_okay=False),
              help="with --data-dir: folder for the source-held-out fold models (cached between runs)")
@click.option("--jobs", default=1, show_default=True, type=int, help="with --data-dir: folds trained at once")
@click.option("--no-eval", is_flag=True, help="skip scoring the DEV split after training")
@click.option("--json", "as_json", is_flag=True, help="print the DEV report as JSON")
@_friendly
def train_cmd(
    data_dir: str | None, data_files: tuple[str, ...], out: str, work: str, jobs: int, no_eval: bool, as_json: bool
) -> None:
    """Train deterministically on the TRAIN split and save the model to OUT; print the DEV report.

    With --data-dir this trains every source-held-out fold first (their scores fit the length calibration;
    about half an hour on one core, cached in --work), then the shipped model."""
    from qinglang.evaluation.metrics import format_report
    from qinglang.training import pipeline

    if bool(data_dir) == bool(data_files):
        raise click.UsageError("give either --data-dir (the shared data folder) or one or more --data FILE")
    if data_dir:
        model, report = pipeline.train_from_data_dir(data_dir, out, work=work, jobs=jobs, evaluate_dev=not no_eval)
    else:
        model, report = pipeline.train_from_files(list(data_files), out, evaluate_dev=not no_eval)
    how = "length-calibrated" if model.calibration is not None else f"temperature {model.temperature:.3f}"
    click.echo(f"saved model to {out} ({how})", err=as_json)
    if report is not None:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False) if as_json else format_report(report))


@model_group.command("eval")
@click.option(
    "--data",
    "data_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="labelled JSON/JSONL (文本/标签 or id/text/label)",
)
@click.option(
    "--model", "model_dir", type=click.Path(exists=True, file_okay=False), help="model folder (default: shipped)"
)
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@_friendly
def eval_cmd(data_file: str, model_dir: str | None, as_json: bool) -> None:
    """Print per-class precision/recall/F1, macro-F1 and the confusion matrix for a labelled file."""
    from qinglang.detectors.classifier.linear import load_model
    from qinglang.evaluation.classifier import evaluate_model
    from qinglang.evaluation.datasets import load_labelled
    from qinglang.evaluation.metrics import format_report

    report = evaluate_model(load_model(model_dir), list(load_labelled(data_file)))
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False) if as_json else format_report(report))


def register(group: click.Group) -> None:
    group.add_command(model_group)
