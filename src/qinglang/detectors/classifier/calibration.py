"""Calibration by length: the same raw score means different things for a two-character title and a chapter.

The linear model gives each window six logits. For every harm class ``c`` the window's evidence is its log-odds
against ``none``, ``z = logit_c - logit_none``. A text's length (in characters of the original text) picks a
**length bucket**, and the bucket's slope and intercept turn ``z`` into a probability,
``sigmoid(slope * z + intercept)``, one class against ``none``:

- a one-word title has a handful of n-grams, so its ``z`` is mostly the bias and a few characters: its bucket
  learns a gentle slope and a low intercept, and ``我的妈妈`` is not scored like a spam post;
- a long text is scored window by window and takes the maximum, which grows with the number of windows even in
  clean prose: its bucket (by length, so by window count) learns how high that maximum gets in clean text, and a
  chapter's noise stays below the review band while one vulgar paragraph, far above it, is still found.

Slopes and intercepts are fitted on out-of-source scores (``qinglang.training.calibrate``: every text scored by
a model that never saw its source) and stored in ``meta.json``. A model without them falls back to the softmax
with its temperature.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EDGES = (4, 10, 30, 100, 300, 1000, 3000)  # upper bounds (characters); the last bucket is everything longer


@dataclass(frozen=True, slots=True)
class LengthCalibration:
    """``slope[i]``, ``intercept[i]`` for bucket ``i``: texts of at most ``edges[i]`` characters (and above the
    previous edge); the last bucket, one past the edges, holds longer texts."""

    edges: tuple[int, ...]
    slope: tuple[float, ...]
    intercept: tuple[float, ...]

    def __post_init__(self) -> None:
        if not len(self.slope) == len(self.intercept) == len(self.edges) + 1:
            raise ValueError("a length calibration needs one slope and one intercept per bucket")

    def bucket(self, length: int) -> int:
        return bisect_left(self.edges, length)

    def scores(self, logits: np.ndarray, none_index: int, length: int) -> np.ndarray:
        """Per-window scores (rows = windows): harm columns calibrated against ``none``, the ``none`` column is
        one minus the window's highest harm score."""
        b = self.bucket(length)
        z = logits - logits[:, none_index : none_index + 1]
        out = 1.0 / (1.0 + np.exp(-(self.slope[b] * z + self.intercept[b])))
        if out.shape[1] == 1:
            out[:, none_index] = 1.0
            return out
        out[:, none_index] = -np.inf  # out of the row's max, which is then the highest harm score (all >= 0)
        out[:, none_index] = 1.0 - out.max(axis=1)
        return out

    def to_dict(self) -> dict:
        return {
            "edges": list(self.edges),
            "slope": [round(v, 6) for v in self.slope],
            "intercept": [round(v, 6) for v in self.intercept],
        }

    @classmethod
    def from_dict(cls, data: dict) -> LengthCalibration:
        return cls(tuple(int(e) for e in data["edges"]), tuple(map(float, data["slope"])),
                   tuple(map(float, data["intercept"])))


def harm_log_odds(logits: np.ndarray, classes: Sequence[str], none_label: str = "none") -> np.ndarray:
    """``logit_c - logit_none`` for the harm classes (columns in ``classes`` order without ``none``)."""
    j = list(classes).index(none_label)
    return np.delete(logits - logits[:, j : j + 1], j, axis=1)
