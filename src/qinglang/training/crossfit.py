"""Run the source-held-out folds (``qinglang.training.folds``), cache their models and records, and fit the length
calibration from the records.

    python -m qinglang.training.crossfit --data-dir ../shared/data --work build/heldout [--jobs 2]

Records of a fold: one row per text it scored (held-out sources, their views, its ChineseHarm part, and the
inserted texts), with ``z`` = the harm log-odds against ``none``, maximum over the text's windows, from that
fold's model. The calibration of the shipped model is fitted on the TRAIN-split records of every source fold;
the calibration used to *report* a fold is fitted on the other folds' TRAIN-split records only, so no figure
of a source is calibrated on that source.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qinglang.detectors.classifier.calibration import LengthCalibration, harm_log_odds
from qinglang.detectors.classifier.linear import LinearModel, load_model
from qinglang.detectors.classifier.scoring import window_logits
from qinglang.evaluation import datasets as ds
from qinglang.evaluation import sources as src
from qinglang.training import folds as fl
from qinglang.training.calibrate import fit_length_calibration
from qinglang.training.train import TrainParams, fit_model

log = logging.getLogger("qinglang.training.crossfit")
HARM = tuple(c for c in ds.CATEGORIES if c != "none")
_RAW: dict[str, list[ds.Example]] = {}  # shared with forked workers


@dataclass(frozen=True)
class Records:
    """Rows scored out of source: ``fold``, ``source``, ``index``, ``split`` (dev/train), ``gold``, ``length``
    and ``z`` (rows x harm classes)."""

    fold: np.ndarray
    source: np.ndarray
    index: np.ndarray
    split: np.ndarray
    gold: np.ndarray
    length: np.ndarray
    z: np.ndarray

    def where(self, mask: np.ndarray) -> Records:
        return Records(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))

    @classmethod
    def concat(cls, parts: Sequence[Records]) -> Records:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))


def _score(model: LinearModel, texts: Sequence[str], batch: int = 256) -> np.ndarray:
    out = []
    for i in range(0, len(texts), batch):
        out.extend(harm_log_odds(lg, model.classes).max(axis=0) for lg in window_logits(model, texts[i : i + batch]))
    return np.array(out, dtype=np.float32).reshape(len(texts), len(HARM))


def _records(fold: fl.Fold, model: LinearModel, raw: dict[str, list[ds.Example]]) -> Records:
    scored = fl.scored_rows(fold, raw)
    rows = [(name, i, "dev" if ds.is_dev(t) else "train", t, y) for name, rs in scored.items() for i, t, y in rs]
    rows += [(name, i, split, t, y) for i, (name, split, t, y) in enumerate(fl.inserted_rows(scored))]
    texts = [r[3] for r in rows]
    return Records(
        fold=np.array([fold.name] * len(rows), dtype="U32"),
        source=np.array([r[0] for r in rows], dtype="U48"),
        index=np.array([r[1] for r in rows], dtype=np.int64),
        split=np.array([r[2] for r in rows], dtype="U5"),
        gold=np.array([r[4] for r in rows], dtype="U12"),
        length=np.array([len(t) for t in texts], dtype=np.int64),
        z=_score(model, texts) if texts else np.zeros((0, len(HARM)), np.float32),
    )


def run_fold(fold: fl.Fold, raw: dict[str, list[ds.Example]], params: TrainParams, work: Path) -> Path:
    """Train (unless cached) and score one fold; returns its folder (``meta.json``, ``weights.npz``,
    ``records.npz``, ``key``)."""
    folder = work / fold.name
    train = fl.training_examples(fold, raw)
    counts = {n: len(r) for n, r in train.items()}
    key = fl.fold_key(fold, params, counts)
    if (folder / "key").exists() and (folder / "key").read_text() == key and (folder / "records.npz").exists():
        log.info("fold %s: cached", fold.name)
        return folder
    examples = [ex for rows in train.values() for ex in rows]
    log.info("fold %s: training on %d examples", fold.name, len(examples))
    model = fit_model(examples, params, meta={"train_sources": counts, "fold": fold.name})
    model.save(folder)
    records = _records(fold, model, raw)
    np.savez_compressed(folder / "records.npz", **{f: getattr(records, f) for f in Records.__dataclass_fields__})
    (folder / "key").write_text(key)
    return folder


def _run_named(args: tuple[str, TrainParams, str]) -> str:
    name, params, work = args
    fold = next(f for f in fl.plan(list(_RAW)) if f.name == name)
    return str(run_fold(fold, _RAW, params, Path(work)))


def run_all(data_dir: str | Path, work: str | Path, params: TrainParams | None = None, jobs: int = 1) -> list[fl.Fold]:
    """Every fold of :func:`qinglang.training.folds.plan`, ``jobs`` at a time (forked processes)."""
    import multiprocessing

    params = params or TrainParams()
    _RAW.clear()
    _RAW.update(src.load_sources(data_dir))
    folds = fl.plan(list(_RAW))
    args = [(f.name, params, str(work)) for f in folds]
    if jobs <= 1:
        for a in args:
            _run_named(a)
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            list(pool.imap_unordered(_run_named, args))
    return folds


def load_records(work: str | Path, folds: Sequence[fl.Fold]) -> Records:
    parts = []
    for fold in folds:
        with np.load(Path(work) / fold.name / "records.npz", allow_pickle=False) as a:
            parts.append(Records(*(a[f] for f in Records.__dataclass_fields__)))
    return Records.concat(parts)


def calibration_rows(records: Records, folds: Sequence[fl.Fold], leave_out: str | None = None) -> Records:
    """TRAIN-split records of the source folds (minus fold ``leave_out``): what a calibration is fitted on."""
    source_folds = [f.name for f in folds if f.is_source_fold and f.name != leave_out]
    return records.where((records.split == "train") & np.isin(records.fold, source_folds))


def fit_calibration(records: Records, folds: Sequence[fl.Fold], leave_out: str | None = None) -> LengthCalibration:
    rows = calibration_rows(records, folds, leave_out)
    return fit_length_calibration(rows.z, rows.length, rows.gold, HARM)


def calibrated_fold_model(work: str | Path, fold: str, calibration: LengthCalibration) -> Path:
    """Write ``calibration`` into fold ``fold``'s model folder (so the pipeline can load it) and return it."""
    folder = Path(work) / fold
    model = load_model(folder)
    LinearModel(model.classes, model.spec, model.weights, model.bias, 1.0, model.meta, calibration).save(folder)
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--work", default="build/heldout")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    folds = run_all(args.data_dir, args.work, jobs=args.jobs)
    records = load_records(args.work, folds)
    print(json.dumps({"records": int(len(records.z)), "by_fold": Counter(records.fold.tolist()),
                      "calibration": fit_calibration(records, folds).to_dict()}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
