"""The ``image`` detector: pornographic images (``porn/explicit_image``) from the NudeNet 320n ONNX model,
with per-label scores and boxes. Optional: needs ``pip install --no-deps nudenet==3.4.2`` (AGPL-3.0 model);
when the model is missing, ``load()`` raises a clear error and the detector is recorded as failed."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from qinglang.detectors.base import Detector, PreparedContent
from qinglang.domain import Evidence, Signal
from qinglang.errors import ConfigError
from qinglang.imaging import DecodedImage
from qinglang.imaging.support import ImageDetectorConfig, image_signals


class ImageConfig(ImageDetectorConfig):
    model_path: Path | None = None  # None: 320n.onnx from the installed nudenet package
    min_score: float = 0.25  # detections below this are dropped
    explicit_threshold: float = 0.45  # an explicit body part at or above this gives porn/explicit_image
    threads: int = 1
    report_errors: bool = False
    max_frames: int = 3


class ImageDetector(Detector):
    name: ClassVar[str] = "image"
    version: ClassVar[str] = "1.0.0"
    config_class: ClassVar[type[ImageConfig]] = ImageConfig

    def load(self) -> None:
        from qinglang.detectors.image.nudity import NudityModel, default_model_path

        path = self.config.model_path or default_model_path()
        if path is None or not Path(path).is_file():
            raise ConfigError(
                "the image detector needs the NudeNet 320n model: `pip install --no-deps nudenet==3.4.2` "
                "or set detector_config.image.model_path",
                code="detector_model_missing",
            )
        self._model = NudityModel(Path(path), self.config.threads)
        self._loaded = True

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        return image_signals(self.name, content.item, self.config, self._image_signals)

    def _image_signals(self, name: str, decoded: DecodedImage) -> list[Signal]:
        from qinglang.detectors.image.nudity import EXPLICIT

        detections = [d for frame in decoded.frames for d in self._model.detect(frame, self.config.min_score)]
        explicit = [d for d in detections if d.label in EXPLICIT]
        score = max((d.score for d in explicit), default=0.0)
        if score < self.config.explicit_threshold:
            return []
        per_label: dict[str, float] = {}
        for d in detections:
            per_label[d.label.lower()] = max(per_label.get(d.label.lower(), 0.0), round(d.score, 4))
        boxes = [{"label": d.label.lower(), "score": round(d.score, 4), "box": list(d.box)} for d in explicit]
        evidence = Evidence(kind="image", text=name, detail={"image": name, "boxes": boxes})
        attrs = {"image": name, "scores": per_label, "boxes": boxes}
        return [Signal(self.name, "porn/explicit_image", round(score, 4), (evidence,), severity=3, attrs=attrs)]
