"""K-fold cross-validation within TRAIN, the way model changes are chosen (DEV is scored once, at the end):

    python -m qinglang.training.cv --data-dir ../shared/data [--raw-counts] [--c 20] [--symbol-weight 0.6] [--folds 5]

Folds come from a seeded hash of each text, so runs are deterministic. Prints JSON: per-class F1 and macro-F1
of the out-of-fold predictions (argmax) over the short-text TRAIN sources (project-written porn examples are
trained on but not scored), and their confusion matrix.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
from collections.abc import Sequence

from qinglang.detectors.classifier.features import prepare
from qinglang.evaluation.datasets import CATEGORIES, Example
from qinglang.evaluation.metrics import Report, evaluate
from qinglang.training.data import is_scored
from qinglang.training.train import TrainParams, fit_linear

SHORT_SOURCES = ("chineseharm", "synthetic", "cold")


def fold_of(text: str, folds: int, seed: str = "cv-seed-7") -> int:
    return int(hashlib.sha256(f"{seed}|{text}".encode()).hexdigest(), 16) % folds


def out_of_fold(examples: Sequence[Example], params: TrainParams, folds: int = 5) -> list[str]:
    """Each example's predicted category from a model trained on the other folds."""
    assign = [fold_of(t, folds) for t, _ in examples]
    pred = [""] * len(examples)
    for k in range(folds):
        fit = [ex for ex, f in zip(examples, assign, strict=True) if f != k]
        held = [i for i, f in enumerate(assign) if f == k]
        model = fit_linear([t for t, _ in fit], [y for _, y in fit], params)
        logits = model.logits_prepared([prepare(examples[i][0]) for i in held], [examples[i][0] for i in held])
        for i, j in zip(held, logits.argmax(axis=1), strict=True):
            pred[i] = CATEGORIES[int(j)]
    return pred


def cross_validate(sources: dict[str, list[Example]], params: TrainParams, folds: int = 5) -> Report:
    """Train on every source's TRAIN items, report on the short-text sources' out-of-fold predictions."""
    names = [n for n, rows in sources.items() for _ in rows]
    examples = [ex for rows in sources.values() for ex in rows]
    pred = out_of_fold(examples, params, folds)
    keep = [i for i, n in enumerate(names) if n in SHORT_SOURCES and is_scored(n, examples[i])]
    return evaluate([examples[i][1] for i in keep], [pred[i] for i in keep])


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, TrainParams]:
    defaults = TrainParams()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=defaults.c)
    parser.add_argument("--raw-counts", action="store_true", help="raw n-gram counts instead of sublinear")
    parser.add_argument("--symbol-weight", type=float, default=defaults.symbol_weight, help="0 = no symbol view")
    args = parser.parse_args(argv)
    params = dataclasses.replace(defaults, c=args.c, sublinear=not args.raw_counts, symbol_weight=args.symbol_weight)
    return args, params


def main(argv: Sequence[str] | None = None) -> None:
    from qinglang.training.data import build_corpus

    args, params = parse_args(argv)
    report = cross_validate(build_corpus(args.data_dir, dev=False).sources, params, args.folds)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
