"""Decode untrusted image bytes without crashing or exhausting memory.

Order of checks: byte cap, empty input, header sniffing (format allow-list), pixel cap read from the header
(before any pixel is decoded: decompression bombs never allocate), then a bounded decode of at most
``max_frames`` frames. Every failure is an :class:`ImageError` with a stable code.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from PIL import Image, UnidentifiedImageError

from qinglang.errors import InvalidInput

ALLOWED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP", "BMP"})


class ImageError(InvalidInput):
    """One image could not be used. Codes: image_too_large, image_format_not_allowed, image_corrupt,
    image_empty, image_fetch_disabled, image_fetch_refused, image_not_found."""

    code = "image_corrupt"


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000  # per frame, from the header
    max_side: int = 30_000
    max_frames: int = 8  # animated images: frames sampled evenly
    fetch_urls: bool = False
    fetch_timeout_s: float = 5.0


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """Decoded RGB frames (first frame first) of one image, plus facts about the source."""

    ref: str
    format: str
    width: int
    height: int
    frames: tuple[Image.Image, ...]
    n_frames: int
    sha256: str

    @property
    def image(self) -> Image.Image:
        return self.frames[0]


def decode_bytes(data: bytes, ref: str = "", limits: ImageLimits | None = None) -> DecodedImage:
    limits = limits or ImageLimits()
    if not data:
        raise ImageError(f"image {ref or '<bytes>'} is empty (0 bytes); send the image file itself", code="image_empty")
    if len(data) > limits.max_bytes:
        raise ImageError(
            f"image {ref or '<bytes>'} has {len(data)} bytes, over the limit of {limits.max_bytes}; send a smaller file",
            code="image_too_large",
        )
    img = _open_header(data, ref)
    _check_header(img, ref, limits)
    frames = _decode_frames(img, ref, limits)
    return DecodedImage(
        ref=ref,
        format=img.format or "",
        width=img.width,
        height=img.height,
        frames=frames,
        n_frames=getattr(img, "n_frames", 1),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _open_header(data: bytes, ref: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=None)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise ImageError(
                f"image {ref or '<bytes>'} declares too many pixels (a decompression bomb?); resize it before sending",
                code="image_too_large",
            ) from exc
        raise ImageError(
            f"image {ref or '<bytes>'} is not a recognisable image; allowed formats: {', '.join(sorted(ALLOWED_FORMATS))}",
            code="image_format_not_allowed",
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"image {ref or '<bytes>'} has a corrupt header: {exc}", code="image_corrupt") from exc


def _check_header(img: Image.Image, ref: str, limits: ImageLimits) -> None:
    if img.format not in ALLOWED_FORMATS:
        raise ImageError(
            f"image {ref or '<bytes>'} is {img.format}; allowed formats: {', '.join(sorted(ALLOWED_FORMATS))}",
            code="image_format_not_allowed",
        )
    w, h = img.size
    if w <= 0 or h <= 0:
        raise ImageError(f"image {ref or '<bytes>'} declares a size of {w}x{h}", code="image_corrupt")
    if w * h > limits.max_pixels or max(w, h) > limits.max_side:
        raise ImageError(
            f"image {ref or '<bytes>'} declares {w}x{h} pixels, over the limit of {limits.max_pixels} pixels "
            f"or {limits.max_side} px a side; resize it before sending",
            code="image_too_large",
        )


def _frame_indices(n_frames: int, cap: int) -> list[int]:
    if n_frames <= cap:
        return list(range(n_frames))
    step = n_frames / cap
    return sorted({int(i * step) for i in range(cap)})


def _decode_frames(img: Image.Image, ref: str, limits: ImageLimits) -> tuple[Image.Image, ...]:
    n = getattr(img, "n_frames", 1)
    frames = []
    try:
        for index in _frame_indices(n, max(1, limits.max_frames)):
            if index:
                img.seek(index)
            frames.append(_to_rgb(img))
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        if frames:  # a damaged later frame: keep what decoded
            return tuple(frames)
        raise ImageError(f"image {ref or '<bytes>'} is truncated or corrupt: {exc}", code="image_corrupt") from exc
    return tuple(frames)


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("P", "LA", "PA", "RGBA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


_CACHE: OrderedDict[tuple, DecodedImage] = OrderedDict()
_CACHE_LOCK = Lock()
_CACHE_SIZE = 8


def load_image(ref: str, data: bytes | None = None, limits: ImageLimits | None = None) -> DecodedImage:
    """Decode an image given as bytes, a local path, or (only when ``limits.fetch_urls``) an http(s) URL.

    The last few decoded images are cached so that several image detectors on one item decode it once.
    """
    limits = limits or ImageLimits()
    key = (ref, hashlib.sha256(data).digest() if data is not None else None, limits)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    decoded = decode_bytes(_read_source(ref, data, limits), ref, limits)
    with _CACHE_LOCK:
        _CACHE[key] = decoded
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return decoded


def _read_source(ref: str, data: bytes | None, limits: ImageLimits) -> bytes:
    if data is not None:
        return data
    lowered = ref.lower()
    if lowered.startswith(("http://", "https://")):
        if not limits.fetch_urls:
            raise ImageError(
                f"image {ref} is a URL and fetching is disabled; send the bytes or enable fetch_urls",
                code="image_fetch_disabled",
            )
        from qinglang.imaging.fetch import fetch_bytes

        return fetch_bytes(ref, max_bytes=limits.max_bytes, timeout_s=limits.fetch_timeout_s)
    if "://" in ref:
        raise ImageError(f"image {ref}: only local paths and http(s) URLs are accepted", code="image_fetch_refused")
    return _read_path(Path(ref), limits)


def _read_path(path: Path, limits: ImageLimits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ImageError(f"image {path} has {size} bytes, over {limits.max_bytes}", code="image_too_large")
        with path.open("rb") as fh:
            return fh.read(limits.max_bytes + 1)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise ImageError(f"image {path} cannot be read: {exc.strerror}", code="image_not_found") from exc
