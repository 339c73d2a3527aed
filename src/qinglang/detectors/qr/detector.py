"""The ``qr`` detector: decodes every QR code in every image of an item and classifies its payload."""

from __future__ import annotations

from typing import ClassVar

from qinglang.detectors.base import Detector, PreparedContent
from qinglang.detectors.qr.kinds import CONTACT_KINDS, canonical_payload, classify_payload
from qinglang.domain import Evidence, Signal
from qinglang.imaging import DecodedImage
from qinglang.imaging.support import ImageDetectorConfig, image_signals


class QrConfig(ImageDetectorConfig):
    wechat_decoder: bool = True  # second pass with OpenCV's WeChat decoder where zxing-cpp finds nothing
    wechat_max_side: int = 640  # the WeChat pass runs on a copy reduced to this long side


class QrDetector(Detector):
    name: ClassVar[str] = "qr"
    version: ClassVar[str] = "1.0.0"
    config_class: ClassVar[type[QrConfig]] = QrConfig

    def load(self) -> None:
        import zxingcpp  # noqa: F401  (fail at load time, not on the first image)

        from qinglang.detectors.qr.decode import WeChatDecoder

        self._wechat = WeChatDecoder(max_side=self.config.wechat_max_side) if self.config.wechat_decoder else None
        self._loaded = True

    def detect(self, content: PreparedContent) -> list[Signal]:
        self.ensure_loaded()
        return image_signals(self.name, content.item, self.config, self._image_signals)

    def _image_signals(self, name: str, decoded: DecodedImage) -> list[Signal]:
        from qinglang.detectors.qr.decode import decode_qr

        seen: set[str] = set()
        out = []
        for frame_index, frame in enumerate(decoded.frames):
            for code in decode_qr(frame, self._wechat):
                if code.payload not in seen:
                    seen.add(code.payload)
                    out.append(qr_signal(code, name, frame_index))
        return out


def qr_signal(code, image: str, frame: int = 0) -> Signal:
    kind = classify_payload(code.payload)
    target = canonical_payload(code.payload)
    bbox = list(code.bbox)
    evidence = Evidence(
        kind="qr_code",
        text=code.payload,
        detail={"kind": kind.value, "image": image, "bbox": bbox, "frame": frame, "decoder": code.decoder},
    )
    return Signal(
        detector="qr",
        label=f"qr/{kind.value}",
        score=1.0,
        evidence=(evidence,),
        severity=2 if kind in CONTACT_KINDS else 1,
        attrs={
            "target_kind": "qr_payload",
            "target": target,
            "payload": code.payload,
            "kind": kind.value,
            "bbox": bbox,
            "polygon": [list(p) for p in code.polygon],
            "image": image,
            "frame": frame,
        },
    )
