"""The ``phash`` detector: a PDQ hash of every image (stored by the drainage graph, matched by the register)
plus Hamming-distance matching against known-bad hashes given in its config."""

from __future__ import annotations

from typing import ClassVar

from pydantic import field_validator

from qinglang.detectors.base import Detector, PreparedContent
from qinglang.detectors.phash.hashing import DEFAULT_THRESHOLD, is_hash, match_hashes, pdq_hex
from qinglang.domain import Evidence, Signal
from qinglang.imaging import DecodedImage
from qinglang.imaging.support import ImageDetectorConfig, image_signals


class PhashConfig(ImageDetectorConfig):
    threshold: int = DEFAULT_THRESHOLD  # max Hamming distance (of 256 bits) for a match
    known_bad: list[str] = []  # PDQ hashes (64 hex digits)
    report_errors: bool = False
    max_frames: int = 1

    @field_validator("known_bad")
    @classmethod
    def _hex_hashes(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not is_hash(v)]
        if bad:
            raise ValueError(f"known_bad holds values that are not 64-hex-digit PDQ hashes: {bad[:3]}")
        return [v.lower() for v in value]


class PhashDetector(Detector):
    name: ClassVar[str] = "phash"
    version: ClassVar[str] = "1.0.0"
    config_class: ClassVar[type[PhashConfig]] = PhashConfig

    def detect(self, content: PreparedContent) -> list[Signal]:
        return image_signals(self.name, content.item, self.config, self._image_signals)

    def _image_signals(self, name: str, decoded: DecodedImage) -> list[Signal]:
        value, quality = pdq_hex(decoded.image)
        attrs = {"target_kind": "image_hash", "target": value, "quality": quality, "image": name}
        evidence = Evidence(kind="image", text=value, detail={"image": name, "algorithm": "pdq", "quality": quality})
        out = [Signal(self.name, "phash/image_hash", 0.0, (evidence,), attrs=attrs)]
        for known, distance in match_hashes(value, self.config.known_bad, self.config.threshold)[:1]:
            score = 1.0 - distance / (2 * max(self.config.threshold, 1))
            detail = {"image": name, "known_bad": known, "distance": distance, "threshold": self.config.threshold}
            out.append(
                Signal(
                    self.name,
                    "phash/known_bad_match",
                    round(score, 4),
                    (Evidence(kind="list_entry", text=known, detail=detail),),
                    severity=3,
                    attrs={**attrs, "matched": known, "distance": distance},
                )
            )
        return out
