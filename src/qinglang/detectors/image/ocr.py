"""The ``image_text`` detector (optional): text in images (drainage posters: "扫码进群", "加微信 abc123").

OCR with RapidOCR (PP-OCRv4 ONNX models shipped in ``rapidocr-onnxruntime==1.4.4``, Apache-2.0, installed
with ``--no-deps`` plus ``pyclipper`` and ``shapely``). The text of each image is reported, and the contacts
and links detectors run on it; their signals are re-emitted under this detector with the image named, so
rules can say ``image_text.drainage/wechat_id`` or ``image_text.link/url``.
"""

from __future__ import annotations

import re
from threading import Lock
from typing import Any, ClassVar

import numpy as np

from qinglang.detectors.base import Detector, PreparedContent
from qinglang.domain import ContentItem, Evidence, Signal
from qinglang.errors import ConfigError
from qinglang.imaging import DecodedImage
from qinglang.imaging.support import ImageDetectorConfig, image_signals

# OCR reads the o of .com as a zero; same-length fixes keep evidence offsets valid
_CONFUSIONS = re.compile(r"(?<=\.)(c0m|0rg|c[o0]m)(?![A-Za-z0-9])", re.IGNORECASE)


def _fix_ocr_confusions(text: str) -> str:
    return _CONFUSIONS.sub(lambda m: m.group(0).replace("0", "o"), text)


class ImageTextConfig(ImageDetectorConfig):
    min_text_score: float = 0.5  # recognised lines below this confidence are dropped
    threads: int = 1
    max_side: int = 1600  # OCR runs on a copy reduced to this long side
    max_frames: int = 1
    report_errors: bool = False
    text_detectors: list[str] = ["contacts", "links"]  # detectors run on the recognised text


class ImageTextDetector(Detector):
    name: ClassVar[str] = "image_text"
    version: ClassVar[str] = "1.0.0"
    config_class: ClassVar[type[ImageTextConfig]] = ImageTextConfig

    def load(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise ConfigError(
                "the image_text detector needs `pip install --no-deps rapidocr-onnxruntime==1.4.4` "
                "plus pyclipper and shapely",
                code="detector_model_missing",
            ) from exc
        from qinglang.detectors.registry import create_detector

        threads = self.config.threads
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        self._lock = Lock()
        self._text_detectors = [create_detector(n) for n in self.config.text_detectors]
        for detector in self._text_detectors:
            detector.ensure_loaded()
        self._loaded = True

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        item = content.item
        return image_signals(self.name, item, self.config, lambda name, decoded: self._image_signals(item.id, name, decoded))

    def read_lines(self, decoded: DecodedImage) -> list[dict[str, Any]]:
        img = decoded.image
        scale = 1.0
        if max(img.size) > self.config.max_side:
            scale = self.config.max_side / max(img.size)
            img = img.resize((round(img.width * scale), round(img.height * scale)))
        with self._lock:
            result, _ = self._ocr(np.ascontiguousarray(np.asarray(img)[:, :, ::-1]))
        lines = []
        for box, text, score in result or []:
            if float(score) >= self.config.min_text_score and text.strip():
                xs, ys = [p[0] / scale for p in box], [p[1] / scale for p in box]
                lines.append(
                    {
                        "text": text,
                        "score": round(float(score), 4),
                        "bbox": [int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))],
                    }
                )
        return lines

    def _image_signals(self, item_id: str, name: str, decoded: DecodedImage) -> list[Signal]:
        lines = self.read_lines(decoded)
        if not lines:
            return []
        text = _fix_ocr_confusions("\n".join(line["text"] for line in lines))
        evidence = Evidence(kind="image", text=text, detail={"image": name, "lines": lines})
        out = [Signal(self.name, "image_text/text", 0.0, (evidence,), attrs={"image": name, "text": text})]
        inner = PreparedContent(ContentItem(id=item_id, text=text), {"text": text})
        for detector in self._text_detectors:
            for s in detector.detect(inner):
                ev = tuple(Evidence(e.kind, f"image_text:{name}", e.start, e.end, e.text, e.detail) for e in s.evidence)
                attrs = {**s.attrs, "image": name, "via": f"{s.detector}.{s.label}"}
                out.append(Signal(self.name, s.label, s.score, ev, s.severity, attrs))
        return out
