"""Classification metrics over the six top-level categories: per-class P/R/F1, macro-F1, confusion matrix.

Semantics follow ChineseHarm-Bench's metric script: per-label precision/recall/F1 over exact labels, macro-F1 is
the unweighted mean over the labels (all six by default, so a class with no gold and no predicted items counts
as F1 0 only when it was predicted or expected; otherwise it is left out of the macro mean).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qinglang.evaluation.datasets import CATEGORIES


@dataclass(frozen=True, slots=True)
class ClassScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True, slots=True)
class Report:
    labels: tuple[str, ...]
    per_class: tuple[ClassScores, ...]
    macro_f1: float
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]  # rows = gold, columns = predicted, in ``labels`` order
    total: int

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_class": {
                c.label: {
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "f1": round(c.f1, 4),
                    "support": c.support,
                    "predicted": c.predicted,
                }
                for c in self.per_class
            },
            "labels": list(self.labels),
            "confusion": [list(r) for r in self.confusion],
        }


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def confusion_matrix(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def evaluate(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = CATEGORIES) -> Report:
    """Score predictions against gold labels. Labels outside ``labels`` are an error."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but pred has {len(pred)}")
    matrix = confusion_matrix(gold, pred, labels)
    per_class = []
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted = sum(row[i] for row in matrix)
        p, r = _safe_div(tp, predicted), _safe_div(tp, support)
        per_class.append(ClassScores(label, p, r, _safe_div(2 * p * r, p + r), support, predicted))
    scored = [c.f1 for c in per_class if c.support or c.predicted]
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return Report(
        labels=tuple(labels),
        per_class=tuple(per_class),
        macro_f1=_safe_div(sum(scored), len(scored)),
        accuracy=_safe_div(correct, len(gold)),
        confusion=tuple(tuple(r) for r in matrix),
        total=len(gold),
    )


def format_report(report: Report) -> str:
    """A plain-text table: per-class P/R/F1/support, macro-F1, then the confusion matrix."""
    lines = [f"{'class':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for c in report.per_class:
        lines.append(f"{c.label:<12}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>10.3f}{c.support:>10d}")
    lines.append(f"{'macro-F1':<12}{'':>10}{'':>10}{report.macro_f1:>10.3f}{report.total:>10d}")
    lines.append(f"{'accuracy':<12}{'':>10}{'':>10}{report.accuracy:>10.3f}")
    lines.append("")
    lines.append("confusion (rows = gold, columns = predicted)")
    width = max(len(label) for label in report.labels) + 2
    lines.append(" " * width + "".join(f"{label:>{width}}" for label in report.labels))
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>{width}d}" for v in row))
    return "\n".join(lines)
