"""Fit the length calibration (``qinglang.detectors.classifier.calibration``) on out-of-source scores.

Input: for each text, ``z`` = its harm log-odds against ``none`` (one column per harm class, the maximum over the
text's windows), its length and its gold category. Each length bucket gets one slope and one intercept, fitted
by logistic regression of "the text is of class c" on ``z_c``, pooled over the harm classes (one row per text and
class). The scores must come from models that never saw the text's source (``qinglang.evaluation.heldout``):
a model's scores on its own training data are far more confident than on a new platform's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qinglang.detectors.classifier.calibration import EDGES, LengthCalibration

MIN_EACH = 40  # a bucket needs this many positive and negative rows, else it borrows its neighbours' rows
RIDGE = 1e-3


def fit_logistic_1d(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(slope, intercept)`` of ``P(y) = sigmoid(slope * x + intercept)`` (scikit-learn's lbfgs, deterministic;
    a weak L2 penalty keeps a separable bucket finite)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0 / RIDGE, max_iter=1000, tol=1e-8)
    clf.fit(x.reshape(-1, 1), y.astype(int))
    return float(clf.coef_[0, 0]), float(clf.intercept_[0])


def _rows(z: np.ndarray, gold: np.ndarray, harm: Sequence[str], mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = z[mask].ravel()
    y = (gold[mask][:, None] == np.array(harm)[None, :]).ravel().astype(np.float64)
    return x, y


def _enough(y: np.ndarray) -> bool:
    return y.sum() >= MIN_EACH and (1 - y).sum() >= MIN_EACH


def fit_length_calibration(
    z: np.ndarray, lengths: Sequence[int], gold: Sequence[str], harm: Sequence[str], edges: tuple[int, ...] = EDGES
) -> LengthCalibration:
    """One slope and intercept per length bucket; a bucket short of data widens to its neighbours until it has
    :data:`MIN_EACH` positive and negative rows."""
    buckets = np.searchsorted(np.array(edges), np.asarray(lengths), side="left")
    gold_arr = np.asarray(gold)
    slopes, intercepts = [], []
    n = len(edges) + 1
    for b in range(n):
        lo, hi = b, b
        x, y = _rows(z, gold_arr, harm, buckets == b)
        while not _enough(y) and (lo > 0 or hi < n - 1):
            lo, hi = max(lo - 1, 0), min(hi + 1, n - 1)
            x, y = _rows(z, gold_arr, harm, (buckets >= lo) & (buckets <= hi))
        slope, intercept = fit_logistic_1d(x, y) if _enough(y) else (1.0, 0.0)
        if slope <= 0:  # never invert the model's ranking
            slope, intercept = 1.0, 0.0
        slopes.append(slope)
        intercepts.append(intercept)
    return LengthCalibration(tuple(edges), tuple(slopes), tuple(intercepts))
