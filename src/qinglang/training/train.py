"""Fit the hashed-n-gram linear model, calibrate its temperature on a TRAIN slice, export numpy arrays.

Deterministic: the same data gives the same model (lbfgs is deterministic; no random sampling is used).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qinglang.detectors.classifier.features import (
    NORMALISER_NAME,
    FeatureSpec,
    build_pinyin_table,
    prepare,
    sparse_counts,
)
from qinglang.detectors.classifier.linear import LinearModel, softmax
from qinglang.errors import ConfigError
from qinglang.evaluation.datasets import CATEGORIES, Example
from qinglang.training.data import is_calibration


@dataclass(frozen=True, slots=True)
class TrainParams:
    bits: int = 18
    max_order: int = 3
    pinyin_order: int = 3  # n-grams over toneless pinyin syllables (0 = off)
    sublinear: bool = True  # 1 + ln(count) instead of raw counts, before L2 scaling
    symbol_weight: float = 0.6  # L2 norm of the emoji/symbol block (features.py); 0 = off
    c: float = 20.0  # inverse L2 strength of the logistic regression
    balance_power: float = 0.75  # class weight = (largest class / class size) ** power
    max_iter: int = 500
    tol: float = 1e-4  # lbfgs stopping tolerance


def design_matrix(texts: Sequence[str], spec: FeatureSpec):
    """scipy CSR matrix of the exact features the shipped model computes."""
    from scipy.sparse import csr_matrix

    rows, cols, values = sparse_counts([prepare(t) for t in texts], spec, texts)
    return csr_matrix((values, (rows, cols)), shape=(len(texts), spec.dim), dtype=np.float64)


def class_weights(labels: Sequence[str], power: float) -> dict[str, float]:
    counts = Counter(labels)
    largest = max(counts.values())
    return {c: (largest / n) ** power for c, n in counts.items()}


def fit_linear(texts: Sequence[str], labels: Sequence[str], params: TrainParams) -> LinearModel:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # training only; inference needs numpy alone
        raise ConfigError(
            "training needs scikit-learn: pip install 'qinglang[dev]' (or scikit-learn==1.9.1)",
            code="missing_dependency",
        ) from exc

    table = build_pinyin_table() if params.pinyin_order else None
    spec = FeatureSpec(params.bits, params.max_order, params.pinyin_order, table, params.sublinear, params.symbol_weight)
    weights = class_weights(labels, params.balance_power)
    clf = LogisticRegression(C=params.c, max_iter=params.max_iter, tol=params.tol)
    clf.fit(design_matrix(texts, spec), list(labels), sample_weight=[weights[y] for y in labels])
    return LinearModel(CATEGORIES, spec, *_export_arrays(clf, spec))


def _export_arrays(clf, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """Weights in CATEGORIES order, rounded to float16 exactly as stored; absent classes get a -30 bias."""
    weights = np.zeros((spec.dim, len(CATEGORIES)), dtype=np.float32)
    bias = np.full(len(CATEGORIES), -30.0, dtype=np.float32)
    known = list(clf.classes_)
    coef, intercept = clf.coef_, clf.intercept_
    if len(known) == 2:  # binary: sigmoid(w.x + b) == softmax over logits (0, w.x + b)
        coef, intercept = np.vstack([np.zeros_like(coef[0]), coef[0]]), np.array([0.0, intercept[0]])
    for j, c in enumerate(CATEGORIES):
        if c in known:
            weights[:, j] = coef[known.index(c)].astype(np.float16)
            bias[j] = intercept[known.index(c)]
    return weights, bias


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """Temperature minimising negative log-likelihood on held-out logits (grid then refine)."""

    def nll(t: float) -> float:
        p = softmax(logits / t)
        return float(-np.log(p[np.arange(len(gold)), gold] + 1e-12).mean())

    grid = np.exp(np.linspace(np.log(0.2), np.log(5.0), 61))
    best = min(grid, key=nll)
    fine = np.linspace(best * 0.93, best * 1.07, 29)
    return float(min(fine, key=nll))


def _meta(params: TrainParams, fit: Sequence[Example], meta: dict | None) -> dict:
    info = dict(meta or {})
    info.update(
        normaliser=NORMALISER_NAME,
        params={
            "c": params.c,
            "balance_power": params.balance_power,
            "max_iter": params.max_iter,
            "tol": params.tol,
            "sublinear": params.sublinear,
            "symbol_weight": params.symbol_weight,
        },
        seed="none needed: lbfgs and the hash splits are deterministic",
        fit_counts=dict(sorted(Counter(y for _, y in fit).items())),
    )
    return info


def fit_model(examples: Sequence[Example], params: TrainParams, *, meta: dict | None = None) -> LinearModel:
    """Fit on all of ``examples``; no temperature slice, because the length calibration
    (``qinglang.training.calibrate``, fitted on out-of-source scores) replaces the temperature."""
    model = fit_linear([t for t, _ in examples], [y for _, y in examples], params)
    return LinearModel(model.classes, model.spec, model.weights, model.bias, 1.0, _meta(params, examples, meta))


def train(examples: Sequence[Example], params: TrainParams, *, meta: dict | None = None) -> LinearModel:
    """Fit on TRAIN minus the calibration slice, then set the temperature on that slice (for a platform's own
    labelled files, where there are no sources to hold out)."""
    fit = [(t, y) for t, y in examples if not is_calibration(t)]
    cal = [(t, y) for t, y in examples if is_calibration(t)]
    model = fit_linear([t for t, _ in fit], [y for _, y in fit], params)
    logits = model.logits_prepared([prepare(t) for t, _ in cal], [t for t, _ in cal])
    gold = np.array([CATEGORIES.index(y) for _, y in cal])
    temperature = fit_temperature(logits, gold)
    info = _meta(params, fit, meta)
    info["calibration_counts"] = dict(sorted(Counter(y for _, y in cal).items()))
    return LinearModel(model.classes, model.spec, model.weights, model.bias, temperature, info)
