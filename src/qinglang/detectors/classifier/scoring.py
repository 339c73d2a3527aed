"""Score a text of any length: window it, score every window, aggregate per class (max over windows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qinglang.detectors.classifier.features import prepare
from qinglang.detectors.classifier.linear import LinearModel, softmax
from qinglang.detectors.classifier.windows import windows


@dataclass(frozen=True, slots=True)
class WindowScore:
    start: int
    end: int
    scores: dict[str, float]


@dataclass(frozen=True, slots=True)
class TextScore:
    """Per-class document scores plus every window's scores (offsets into the ORIGINAL text)."""

    scores: dict[str, float]
    windows: tuple[WindowScore, ...]

    @property
    def category(self) -> str:
        return max(self.scores, key=self.scores.__getitem__)

    def top_windows(self, label: str, k: int = 3) -> list[WindowScore]:
        ranked = sorted(self.windows, key=lambda w: w.scores[label], reverse=True)
        return ranked[:k]


def aggregate(probs: np.ndarray, classes: Sequence[str], none_label: str = "none") -> dict[str, float]:
    """Harm classes take their max over windows; ``none`` takes its min (the least clean window)."""
    out = {}
    for j, c in enumerate(classes):
        out[c] = float(probs[:, j].min() if c == none_label else probs[:, j].max())
    return out


def score_texts(model: LinearModel, texts: Sequence[str]) -> list[TextScore]:
    """Score many texts in one vectorised pass over all their windows."""
    spans = [windows(t) for t in texts]
    flat = [prepare(t[s:e]) for t, ws in zip(texts, spans, strict=True) for s, e in ws]
    probs = softmax(model.logits_prepared(flat) / model.temperature) if flat else np.zeros((0, len(model.classes)))
    out, pos = [], 0
    for ws in spans:
        block = probs[pos : pos + len(ws)]
        pos += len(ws)
        wins = tuple(
            WindowScore(s, e, {c: float(p) for c, p in zip(model.classes, row, strict=True)})
            for (s, e), row in zip(ws, block, strict=True)
        )
        out.append(TextScore(aggregate(block, model.classes), wins))
    return out


def score_text(model: LinearModel, text: str) -> TextScore:
    return score_texts(model, [text])[0]
