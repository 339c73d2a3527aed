"""The shipped linear model: hashed n-gram weights in ``weights.npz`` plus ``meta.json``. numpy, no pickle; the
feature and product loops are compiled (:mod:`~qinglang.detectors.classifier.kernel`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qinglang.detectors.classifier import kernel
from qinglang.detectors.classifier.calibration import LengthCalibration
from qinglang.detectors.classifier.features import FeatureSpec, prepare
from qinglang.errors import ConfigError

DEFAULT_MODEL_DIR = Path(__file__).with_name("model")  # a package, so wheels ship its data files
FORMAT = "qinglang-hashed-linear/1"


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression over hashed n-grams. Scores are calibrated by length when the model has a
    :class:`~qinglang.detectors.classifier.calibration.LengthCalibration`, else by a softmax temperature."""

    classes: tuple[str, ...]
    spec: FeatureSpec
    weights: np.ndarray  # (dim, n_classes) float32
    bias: np.ndarray  # (n_classes,) float32
    temperature: float = 1.0
    meta: dict | None = None
    calibration: LengthCalibration | None = None

    def window_scores(self, logits: np.ndarray, length: int) -> np.ndarray:
        """Calibrated scores of one text's windows (rows) from their logits; ``length`` is the text's length in
        characters, which picks the calibration bucket."""
        if self.calibration is None:
            return softmax(logits / self.temperature)
        return self.calibration.scores(logits, self.classes.index("none"), length)

    def logits_prepared(self, prepared: Sequence[str], raw: Sequence[str] | None = None) -> np.ndarray:
        """Raw class logits for texts already passed through :func:`prepare`; ``raw`` are the same texts before
        normalisation, for the symbol view (defaults to ``prepared``).

        Several texts (a long text's windows, a batch): the features meet the weights in one compiled loop
        that sums in the order scipy's CSR product would (:func:`~qinglang.detectors.classifier.kernel.product`),
        without materialising a (n-grams x classes) array per call.
        """
        if not prepared:
            return np.zeros((0, len(self.classes)), dtype=np.float64)
        parts = kernel.blocks(prepared, self.spec, raw)
        if len(prepared) == 1:  # one short text: a plain dot product
            cols, values = (np.concatenate(arrays) for arrays in list(zip(*parts, strict=True))[1:])
            logits = values.astype(np.float32) @ self.weights[cols]
            return logits[None, :].astype(np.float64) + self.bias.astype(np.float64)
        logits = kernel.product(parts, self.weights, len(prepared))
        return logits.astype(np.float64) + self.bias.astype(np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class scores of texts scored whole (no windows), one row per text, in ``classes`` order."""
        logits = self.logits_prepared([prepare(t) for t in texts], texts)
        if self.calibration is None:
            return softmax(logits / self.temperature)
        return np.vstack([self.window_scores(logits[i : i + 1], len(t)) for i, t in enumerate(texts)])

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"weights": self.weights.astype(np.float16), "bias": self.bias}
        if self.spec.pinyin is not None and self.spec.pinyin_order:
            arrays["pinyin"] = self.spec.pinyin
        np.savez_compressed(folder / "weights.npz", **arrays)
        meta = dict(self.meta or {})
        meta.update(
            format=FORMAT,
            classes=list(self.classes),
            bits=self.spec.bits,
            max_order=self.spec.max_order,
            pinyin_order=self.spec.pinyin_order,
            sublinear=self.spec.sublinear,
            symbol_weight=self.spec.symbol_weight,
            temperature=self.temperature,
        )
        if self.calibration is not None:
            meta["calibration"] = self.calibration.to_dict()
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def load_model(folder: str | Path | None = None) -> LinearModel:
    """Load a model folder (``meta.json`` + ``weights.npz``); the shipped model when ``folder`` is None."""
    folder = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
    meta_path, weights_path = folder / "meta.json", folder / "weights.npz"
    if not meta_path.exists() or not weights_path.exists():
        raise ConfigError(
            f"no classifier model in {folder}: expected meta.json and weights.npz "
            "(train one with `qinglang model train --data-dir DIR --out FOLDER`)",
            code="model_not_found",
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ConfigError(f"{meta_path}: unsupported model format {meta.get('format')!r}", code="model_invalid")
    with np.load(weights_path, allow_pickle=False) as arrays:
        weights = arrays["weights"].astype(np.float32)
        bias = arrays["bias"].astype(np.float32)
        pinyin = arrays["pinyin"] if "pinyin" in arrays.files else None
    pinyin_order = int(meta.get("pinyin_order", 0))
    if pinyin_order and pinyin is None:
        raise ConfigError(
            f"{weights_path}: meta.json asks for pinyin features but the table is missing", code="model_invalid"
        )
    spec = FeatureSpec(
        int(meta["bits"]),
        int(meta["max_order"]),
        pinyin_order,
        pinyin,
        bool(meta.get("sublinear")),
        float(meta.get("symbol_weight", 0.0)),
    )
    if weights.shape != (spec.dim, len(meta["classes"])):
        raise ConfigError(
            f"{weights_path}: weights shape {weights.shape} does not match meta.json", code="model_invalid"
        )
    calibration = LengthCalibration.from_dict(meta["calibration"]) if meta.get("calibration") else None
    temperature = float(meta.get("temperature", 1.0))
    kernel.warm_up(spec, weights)
    return LinearModel(tuple(meta["classes"]), spec, weights, bias, temperature, meta, calibration)
