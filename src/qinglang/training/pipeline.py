"""From the shared data folder to a saved model folder: the one function ``qinglang model train`` calls."""

from __future__ import annotations

from pathlib import Path

from qinglang.detectors.classifier.linear import LinearModel
from qinglang.evaluation.metrics import Report
from qinglang.training.data import build_corpus
from qinglang.training.train import TrainParams, train


def train_from_data_dir(
    data_dir: str | Path,
    out: str | Path,
    *,
    synthetic_dir: str | Path | None = None,
    params: TrainParams | None = None,
    evaluate_dev: bool = True,
) -> tuple[LinearModel, Report | None]:
    """Train on the TRAIN split of every source, save to ``out``, and score the DEV split (never trained on)."""
    from qinglang.evaluation.classifier import evaluate_model

    params = params or TrainParams()
    corpus = build_corpus(data_dir, dev=False, synthetic_dir=synthetic_dir)
    sources = {name: len(rows) for name, rows in corpus.sources.items()}
    model = train(corpus.examples(), params, meta={"train_sources": sources, "split": "sha256(text) % 5 != 0"})
    model.save(out)
    if not evaluate_dev:
        return model, None
    dev = build_corpus(data_dir, dev=True, synthetic_dir=synthetic_dir)
    return model, evaluate_model(model, [ex for rows in dev.scored().values() for ex in rows])


def train_from_files(
    files: list[str | Path],
    out: str | Path,
    *,
    params: TrainParams | None = None,
    evaluate_dev: bool = True,
) -> tuple[LinearModel, Report | None]:
    """Train on a platform's own labelled files (文本/标签 or id/text/label): TRAIN split only, report on DEV."""
    from qinglang.evaluation.classifier import evaluate_model
    from qinglang.evaluation.datasets import load_labelled, split_examples
    from qinglang.training.data import windowed

    examples = [ex for f in files for ex in load_labelled(f)]
    train_part = split_examples(examples, dev=False)
    long_clean = [ex for ex in train_part if ex[1] == "none"]
    fit = [ex for ex in train_part if ex[1] != "none"] + list(windowed(long_clean))
    model = train(fit, params or TrainParams(), meta={"train_files": [str(f) for f in files], "split": "sha256 % 5"})
    model.save(out)
    if not evaluate_dev:
        return model, None
    return model, evaluate_model(model, split_examples(examples, dev=True))
