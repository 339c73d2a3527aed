"""From the shared data folder to a saved model folder: the one function ``qinglang model train`` calls."""

from __future__ import annotations

from pathlib import Path

from qinglang.detectors.classifier.linear import LinearModel, load_model
from qinglang.evaluation.metrics import Report
from qinglang.evaluation.sources import SOURCES
from qinglang.training.data import build_corpus
from qinglang.training.train import TrainParams, train


def train_from_data_dir(
    data_dir: str | Path,
    out: str | Path,
    *,
    work: str | Path = "build/heldout",
    params: TrainParams | None = None,
    jobs: int = 1,
    evaluate_dev: bool = True,
) -> tuple[LinearModel, Report | None]:
    """The shipped model: the source-held-out folds first (``qinglang.training.crossfit``; their out-of-source
    scores fit the length calibration), then fold ``all`` (every trainable source's TRAIN part) with that
    calibration, saved to ``out``. The report is on the DEV split of every trainable source (never trained on)."""
    from qinglang.evaluation.classifier import evaluate_model
    from qinglang.training import crossfit

    folds = crossfit.run_all(data_dir, work, params, jobs=jobs)
    records = crossfit.load_records(work, folds)
    calibration = crossfit.fit_calibration(records, folds)
    full = load_model(Path(work) / "all")
    meta = dict(full.meta or {})
    meta.pop("fold", None)
    meta.update(split="sha256(text) % 5 != 0", calibration_fitted_on="out-of-source TRAIN-split scores of every source fold")
    model = LinearModel(full.classes, full.spec, full.weights, full.bias, 1.0, meta, calibration)
    model.save(out)
    if not evaluate_dev:
        return model, None
    dev = build_corpus(data_dir, dev=True, names=tuple(s.name for s in SOURCES if s.trainable))
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
