"""Score a text of any length: window it, score every window, aggregate per class.

A text scored whole is one window and its scores are the document's. A longer text is many windows at two
scales (paragraphs and sentences, :mod:`~qinglang.detectors.classifier.windows`) and gets two aggregates per
class: ``scores``, the highest window (one vulgar line inside clean prose is found), and ``agreed``, the highest
score that **two overlapping windows agree on** (:func:`agreeing_max`). A vulgar paragraph is scored high by its
paragraph window and by the sentence windows inside it; a chapter's noise (one odd short line that the paragraph
around it reads as clean) is high in one window only. The policy reviews on ``scores`` and blocks on ``agreed``,
or on one window alone only beyond what any clean long text reaches (``thresholds.classifier.window_block``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qinglang.detectors.classifier import kernel
from qinglang.detectors.classifier.linear import LinearModel
from qinglang.detectors.classifier.windows import prepared_windows


@dataclass(frozen=True, slots=True)
class WindowScore:
    start: int
    end: int
    scores: dict[str, float]


@dataclass(frozen=True, slots=True)
class TextScore:
    """Per-class document scores (``scores``: highest window; ``agreed``: per harm class, the highest that two
    overlapping windows reach; for a text scored whole, ``scores`` itself) plus every window's scores (offsets
    into the ORIGINAL text).

    ``probs`` holds one row per window (columns in ``classes`` order); :attr:`windows` turns them into
    :class:`WindowScore` objects only when asked, since most texts need just the document scores.
    """

    scores: dict[str, float]
    classes: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    probs: np.ndarray
    agreed: dict[str, float]

    @property
    def category(self) -> str:
        return max(self.scores, key=self.scores.__getitem__)

    def window(self, i: int) -> WindowScore:
        (start, end), row = self.spans[i], self.probs[i]
        return WindowScore(start, end, dict(zip(self.classes, map(float, row), strict=True)))

    @property
    def windows(self) -> tuple[WindowScore, ...]:
        return tuple(self.window(i) for i in range(len(self.spans)))

    def top_windows(self, label: str, k: int = 3) -> list[WindowScore]:
        """The ``k`` windows scoring highest for ``label``, best first (ties keep text order)."""
        column = self.probs[:, self.classes.index(label)]
        return [self.window(i) for i in np.argsort(-column, kind="stable")[:k]]


def agreeing_max(values: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Per column, the highest value two overlapping windows both reach: ``max min(v_i, v_j)`` over the pairs of
    windows ``i != j`` that share a character. A window that overlaps no other (a single window, or a long
    sentence that is a window of its own) stands alone and is paired with itself.

    Any monotone map of the values (a text's length calibration) commutes with it, so it can be taken on raw
    log-odds or on calibrated scores alike. Computed in one compiled pass over the windows sorted by start (the
    partners of a window are the ones after it that start before it ends; ``kernel.agreeing_max``).
    """
    if len(spans) <= 1:
        return values.max(axis=0) if len(spans) else np.zeros(values.shape[1:], values.dtype)
    return kernel.agreeing_max(spans, values)


def aggregate(probs: np.ndarray, classes: Sequence[str], none_label: str = "none") -> dict[str, float]:
    """Harm classes take their max over windows; ``none`` takes its min (the least clean window)."""
    top, bottom = probs.max(axis=0), probs.min(axis=0)
    return {c: float(bottom[j] if c == none_label else top[j]) for j, c in enumerate(classes)}


def agreed(probs: np.ndarray, spans: Sequence[tuple[int, int]], classes: Sequence[str],
           none_label: str = "none") -> dict[str, float]:
    """Each harm class's score that two overlapping windows agree on (:func:`agreeing_max`); the ``none`` column
    is left out."""
    values = agreeing_max(probs, spans)
    return {c: float(v) for c, v in zip(classes, values, strict=True) if c != none_label}


def window_logits(model: LinearModel, texts: Sequence[str]) -> list[np.ndarray]:
    """Each text's raw window logits (rows = windows), before calibration."""
    return [logits for _, logits in _scored_windows(model, texts)]


def _scored_windows(model: LinearModel, texts: Sequence[str]) -> list[tuple[tuple[tuple[int, int], ...], np.ndarray]]:
    """``(original spans, logits)`` of each text's windows, from one vectorised pass over every window of every
    text (one sparse product)."""
    per_text = [prepared_windows(t) for t in texts]
    flat = [w for ws in per_text for _, _, w, _ in ws]
    raw = [r for ws in per_text for _, _, _, r in ws]
    logits = model.logits_prepared(flat, raw) if flat else np.zeros((0, len(model.classes)))
    bounds = np.cumsum([0] + [len(ws) for ws in per_text])
    return [(tuple((a, b) for a, b, _, _ in ws), logits[bounds[i] : bounds[i + 1]]) for i, ws in enumerate(per_text)]


def score_texts(model: LinearModel, texts: Sequence[str]) -> list[TextScore]:
    """Score many texts; each text's windows are calibrated by the text's own length
    (:mod:`~qinglang.detectors.classifier.calibration`)."""
    out = []
    for text, (spans, logits) in zip(texts, _scored_windows(model, texts), strict=True):
        block = model.window_scores(logits, len(text))
        scores = aggregate(block, model.classes)
        together = agreed(block, spans, model.classes) if len(spans) > 1 else scores  # one window: its own
        out.append(TextScore(scores, model.classes, spans, block, together))
    return out


def score_text(model: LinearModel, text: str) -> TextScore:
    return score_texts(model, [text])[0]
