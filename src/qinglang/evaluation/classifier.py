"""Evaluate a classifier model on labelled examples, through the same windowed scoring the detector uses."""

from __future__ import annotations

from collections.abc import Sequence

from qinglang.evaluation.datasets import Example
from qinglang.evaluation.metrics import Report, evaluate


def predict_categories(model, texts: Sequence[str], batch: int = 2048) -> list[str]:
    """The most likely category of each text (windowed scoring, max over windows for harm classes)."""
    from qinglang.detectors.classifier.scoring import score_texts

    out: list[str] = []
    for i in range(0, len(texts), batch):
        out.extend(s.category for s in score_texts(model, texts[i : i + batch]))
    return out


def evaluate_model(model, examples: Sequence[Example]) -> Report:
    texts = [t for t, _ in examples]
    return evaluate([y for _, y in examples], predict_categories(model, texts))


def max_harm_scores(model, texts: Sequence[str], batch: int = 1024) -> list[tuple[str, float]]:
    """For each text, the harm class with the highest (window-aggregated) score and that score."""
    from qinglang.detectors.classifier.scoring import score_texts

    out = []
    for i in range(0, len(texts), batch):
        for s in score_texts(model, texts[i : i + batch]):
            label = max((c for c in s.scores if c != "none"), key=s.scores.__getitem__)
            out.append((label, s.scores[label]))
    return out


def band_rates(scored: Sequence[tuple[str, float]], review: dict, block: dict) -> dict[str, float]:
    """Share of texts whose top harm score reaches that class's block threshold, and its review threshold."""
    n = max(len(scored), 1)
    blocked = sum(1 for c, s in scored if s >= block[c])
    flagged = sum(1 for c, s in scored if s >= review[c])
    return {"block": blocked / n, "not_pass": flagged / n, "count": len(scored)}


def precision_at(scores: Sequence[float], positive: Sequence[bool], threshold: float) -> tuple[float, float]:
    """(precision, recall) of ``score >= threshold`` against ``positive``."""
    hits = [p for s, p in zip(scores, positive, strict=True) if s >= threshold]
    tp, pos = sum(hits), sum(positive)
    return (tp / len(hits) if hits else 1.0), (tp / pos if pos else 0.0)


def pick_threshold(scores: Sequence[float], positive: Sequence[bool], min_precision: float) -> float:
    """The lowest threshold on a 0.05 grid whose precision reaches ``min_precision`` (0.99 when none does)."""
    for step in range(4, 20):
        t = step / 20
        if precision_at(scores, positive, t)[0] >= min_precision:
            return t
    return 0.99
