"""The ``guard`` detector: a heavier model consulted only for the classifier's uncertain band.

The shipped linear classifier scores each text field first. Only when the top harm-class score lies in
``[band_low, band_high)`` is the heavy backend (a local ONNX model or an OpenAI-compatible endpoint) asked about
the classifier's top window; otherwise the detector returns no signals and calls nothing heavy. Optional: not in
the default detector list, never downloads anything.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, model_validator

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.domain import Evidence, Signal
from qinglang.domain.model import Category
from qinglang.errors import ConfigError

CLASSES = tuple(c.value for c in Category)  # harm categories, then none


class GuardConfig(DetectorConfig):
    backend: Literal["onnx", "endpoint"] = "onnx"
    model_path: str | None = None  # a local .onnx file (backend "onnx")
    classes: tuple[str, ...] = CLASSES  # the model's output order (backend "onnx")
    max_chars: int = 512
    vocab_size: int = 65536
    endpoint_url: str | None = None  # e.g. http://127.0.0.1:8000/v1 (backend "endpoint")
    model: str = "guard"
    api_key: SecretStr | None = None  # sent as a Bearer token; masked in reprs
    timeout_s: float = 10.0
    band_low: float = 0.2
    band_high: float = 0.8
    classifier_model_dir: str | None = None  # None = the classifier model shipped in the package
    fields: tuple[str, ...] = ("title", "text")

    @model_validator(mode="after")
    def _check_band(self) -> GuardConfig:
        if not 0.0 <= self.band_low < self.band_high <= 1.0:
            raise ValueError("guard band needs 0 <= band_low < band_high <= 1")
        if "none" not in self.classes:
            raise ValueError("guard classes must include 'none'")
        return self


def build_backend(config: GuardConfig):
    """The configured heavy backend, not yet loaded; a ConfigError names the missing setting."""
    if config.backend == "onnx":
        if not config.model_path:
            raise ConfigError(
                "the guard detector's onnx backend needs screening.detector_config.guard.model_path (a local .onnx file)",
                code="guard_model_missing",
            )
        from qinglang.detectors.guard.onnx_model import OnnxGuardModel

        return OnnxGuardModel(config.model_path, config.classes, config.max_chars, config.vocab_size)
    if not config.endpoint_url:
        raise ConfigError(
            "the guard detector's endpoint backend needs screening.detector_config.guard.endpoint_url",
            code="guard_endpoint_invalid",
        )
    from qinglang.detectors.guard.endpoint import EndpointGuardModel

    key = config.api_key.get_secret_value() if config.api_key else None
    return EndpointGuardModel(config.endpoint_url, config.model, key, config.timeout_s, CLASSES)


class GuardDetector(Detector):
    name = "guard"
    version = "1.0"
    config_class = GuardConfig

    def load(self) -> None:
        from qinglang.detectors.classifier.linear import load_model

        backend = build_backend(self.config)
        backend.load()
        self.backend = backend
        self.classifier = load_model(self.config.classifier_model_dir)
        self._loaded = True

    def uncertain_window(self, content: PreparedContent) -> tuple[float, str, int, int] | None:
        """(top harm score, field, start, end) of the classifier's top window when it is in the band, else None."""
        from qinglang.detectors.classifier.scoring import score_text

        best = None
        for name in self.config.fields:
            text = content.fields.get(name, "")
            if not text.strip():
                continue
            for w in score_text(self.classifier, text).windows:
                top = max(v for c, v in w.scores.items() if c != "none")
                if best is None or top > best[0]:
                    best = (top, name, w.start, w.end)
        if best is None or not self.config.band_low <= best[0] < self.config.band_high:
            return None
        return best

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        found = self.uncertain_window(content)
        if found is None:
            return []
        band_score, name, start, end = found
        text = content.fields[name][start:end]
        scores = self.backend.scores(text)
        label = max(scores, key=scores.__getitem__)
        if label == "none":
            return []
        evidence = Evidence(
            kind="text_span", field=name, start=start, end=end, text=text, detail={"band_score": round(band_score, 4)}
        )
        attrs = {
            "backend": self.backend.backend,
            "band_score": round(band_score, 4),
            "scores": {c: round(v, 4) for c, v in scores.items()},
        }
        return [Signal(self.name, label, round(scores[label], 4), (evidence,), attrs=attrs)]
