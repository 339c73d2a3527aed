"""Shared pieces of the image detectors (qr, phash, image, image_text): typed limits in the config and per-image decoding
that turns a bad image into an ``image_error/<code>`` signal instead of failing the whole detector."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from qinglang.detectors.base import DetectorConfig
from qinglang.domain import ContentItem, Evidence, Signal
from qinglang.imaging.decode import DecodedImage, ImageError, ImageLimits, load_image


class ImageDetectorConfig(DetectorConfig):
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_frames: int = 8
    max_decoded_pixels: int = 48_000_000  # pixel-time across the frames of one image (see imaging.decode)
    max_memory_bytes: int = 512 * 1024 * 1024
    fetch_urls: bool = False  # fetch http(s) image URLs (SSRF-safe); off: URLs give image_fetch_disabled
    fetch_timeout_s: float = 5.0
    report_errors: bool = True  # emit an image_error/<code> signal per unusable image

    def limits(self) -> ImageLimits:
        return ImageLimits(
            max_bytes=self.max_bytes,
            max_pixels=self.max_pixels,
            max_frames=self.max_frames,
            max_decoded_pixels=self.max_decoded_pixels,
            max_memory_bytes=self.max_memory_bytes,
            fetch_urls=self.fetch_urls,
            fetch_timeout_s=self.fetch_timeout_s,
        )


def image_name(item: ContentItem, index: int) -> str:
    ref = item.images[index].ref
    return ref if ref else f"image[{index}]"


def iter_images(item: ContentItem, limits: ImageLimits) -> Iterator[tuple[str, DecodedImage | ImageError]]:
    """``(name, decoded image or the error it gave)`` for every image of the item, in order."""
    for index, image in enumerate(item.images):
        name = image_name(item, index)
        try:
            yield name, load_image(image.ref, image.data, limits)
        except ImageError as exc:
            yield name, exc


def image_signals(
    detector: str,
    item: ContentItem,
    config: ImageDetectorConfig,
    per_image: Callable[[str, DecodedImage], list[Signal]],
) -> list[Signal]:
    """The signals of every image of ``item``: ``per_image(name, decoded)`` for each usable image, and an
    ``image_error/<code>`` signal for each unusable one when ``config.report_errors`` is on."""
    signals: list[Signal] = []
    for name, decoded in iter_images(item, config.limits()):
        if isinstance(decoded, DecodedImage):
            signals.extend(per_image(name, decoded))
        elif config.report_errors:
            signals.append(error_signal(detector, name, decoded))
    return signals


def error_signal(detector: str, name: str, error: ImageError) -> Signal:
    evidence = Evidence(kind="image", text=error.message, detail={"image": name, "code": error.code})
    return Signal(
        detector=detector,
        label=f"image_error/{error.code}",
        score=0.0,
        evidence=(evidence,),
        attrs={"image": name, "code": error.code, "message": error.message},
    )
