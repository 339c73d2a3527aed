"""Decode untrusted image bytes without crashing, stalling or exhausting memory.

Order of checks, all before any pixel is decoded except the last:

1. the byte cap, and empty input;
2. header sniffing: the format must be on the allow-list;
3. the pixel cap on the canvas read from the header (decompression bombs never allocate);
4. a **decode plan** (:func:`plan_decode`): which frames to decode, what that costs in *pixel-time* (the canvas
   pixels summed over every frame decoded, including the frames passed over while seeking, because animations
   decode one frame after another) and what it needs in memory. Frames are counted, and a GIF's canvas
   measured across them, without decoding (:mod:`qinglang.imaging.frames`). Frames are sampled evenly among
   those the pixel-time budget reaches, and fewer are kept when the memory cap requires it;
5. the bounded decode of the planned frames.

Every failure is an :class:`ImageError` with a stable code, given per image (the image detectors turn it into
an ``image_error/<code>`` signal, never a failed item). Decoded images are cached by size in bytes, not by count.
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
from qinglang.imaging.frames import FrameScan, scan_frames

ALLOWED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP", "BMP"})


class ImageError(InvalidInput):
    """One image could not be used. Codes: image_too_large, image_format_not_allowed, image_corrupt,
    image_empty, image_fetch_disabled, image_fetch_refused, image_not_found."""

    code = "image_corrupt"


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000  # per frame: the canvas, from the header (and, for a GIF, every frame's extent)
    max_side: int = 30_000
    max_frames: int = 8  # frames kept for the detectors, sampled evenly
    max_decoded_pixels: int = 48_000_000  # pixel-time: canvas pixels summed over all frames decoded
    max_memory_bytes: int = 512 * 1024 * 1024  # estimated peak of one decode: working buffers + frames kept
    fetch_urls: bool = False
    fetch_timeout_s: float = 5.0


MIN_FRAME_COST = 65_536  # pixel-time charged for any frame, however small: a million 1x1 frames still cost time
KEPT_BYTES_PER_PIXEL = 3  # frames are kept as RGB


@dataclass(frozen=True, slots=True)
class DecodePlan:
    """What decoding an image will do, decided from its header: the frame ``indices`` to keep (decoding runs
    through every frame up to the last one), the ``pixel_time`` that costs and the ``memory_bytes`` it needs."""

    width: int
    height: int
    frames_seen: int  # frames counted in the file, up to what the pixel-time budget could reach
    indices: tuple[int, ...]
    pixel_time: int
    memory_bytes: int


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
    plan = plan_decode(img, data, ref, limits)
    frames = _decode_frames(img, ref, plan)
    return DecodedImage(
        ref=ref,
        format=img.format or "",
        width=img.width,
        height=img.height,
        frames=frames,
        n_frames=plan.frames_seen,
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


def plan_decode(img: Image.Image, data: bytes, ref: str, limits: ImageLimits) -> DecodePlan:
    """Decide, from headers only, which frames to decode; refuse (``image_too_large``) an image whose first
    frame alone is over the canvas, pixel-time or memory cap."""
    frame_cost = max(img.width * img.height, MIN_FRAME_COST)
    scan = scan_frames(img, data, cap=max(1, limits.max_decoded_pixels // frame_cost))
    _check_canvas(scan, img, ref, limits)
    pixels = scan.width * scan.height
    reach = min(scan.frames, max(1, limits.max_decoded_pixels // max(pixels, MIN_FRAME_COST)))
    working = pixels * (_bytes_per_pixel(img.mode) + 4)  # the frame as decoded, plus one RGBA conversion
    per_kept = pixels * KEPT_BYTES_PER_PIXEL
    keep = min(max(1, limits.max_frames), reach, max(0, (limits.max_memory_bytes - working) // max(per_kept, 1)))
    if pixels > limits.max_decoded_pixels or keep < 1:
        need = (working + per_kept) // 2**20
        raise ImageError(
            f"image {ref or '<bytes>'} needs about {need} MB and {pixels} pixels to decode, over the limits of "
            f"{limits.max_memory_bytes // 2**20} MB and {limits.max_decoded_pixels} pixels; resize it before sending",
            code="image_too_large",
        )
    indices = tuple(_frame_indices(reach, keep))
    return DecodePlan(
        width=scan.width,
        height=scan.height,
        frames_seen=scan.frames,
        indices=indices,
        pixel_time=(indices[-1] + 1) * max(pixels, MIN_FRAME_COST),
        memory_bytes=working + len(indices) * per_kept,
    )


def _check_canvas(scan: FrameScan, img: Image.Image, ref: str, limits: ImageLimits) -> None:
    """A GIF frame may reach past the logical screen, and Pillow then grows the canvas: check the grown size."""
    if (scan.width, scan.height) == img.size:
        return
    if scan.width * scan.height > limits.max_pixels or max(scan.width, scan.height) > limits.max_side:
        raise ImageError(
            f"image {ref or '<bytes>'} declares {img.width}x{img.height} pixels but a frame grows it to "
            f"{scan.width}x{scan.height}, over the limit of {limits.max_pixels} pixels; resize it before sending",
            code="image_too_large",
        )


def _bytes_per_pixel(mode: str) -> int:
    return {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3}.get(mode, 4)


def _frame_indices(n_frames: int, cap: int) -> list[int]:
    if n_frames <= cap:
        return list(range(n_frames))
    step = n_frames / cap
    return sorted({int(i * step) for i in range(cap)})


_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


def _decode_frames(img: Image.Image, ref: str, plan: DecodePlan) -> tuple[Image.Image, ...]:
    frames = []
    try:  # the plan already bounds the canvas, so Pillow's own bomb check cannot fire here: no warnings filter
        for index in plan.indices:
            if index:
                img.seek(index)
            frames.append(_to_rgb(img))
    except _DECODE_ERRORS as exc:
        if frames:  # a damaged later frame: keep what decoded
            return tuple(frames)
        raise ImageError(f"image {ref or '<bytes>'} is truncated or corrupt: {exc}", code="image_corrupt") from exc
    return tuple(frames)


def _to_rgb(img: Image.Image) -> Image.Image:
    """The frame as RGB, transparent pixels on white. A palette image with one transparent index (most GIFs)
    gets that index painted white in its palette: one RGB buffer instead of an RGBA copy, a mask and a paste."""
    transparency = img.info.get("transparency")
    if img.mode == "P" and isinstance(transparency, int) and 0 <= transparency < 256:
        return _palette_on_white(img, transparency)
    if img.mode in ("P", "LA", "PA", "RGBA") or transparency is not None:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _palette_on_white(img: Image.Image, index: int) -> Image.Image:
    palette = img.getpalette("RGB") or []
    palette += [0] * (768 - len(palette))
    palette[3 * index : 3 * index + 3] = [255, 255, 255]
    flat = img.copy()
    flat.info.pop("transparency", None)
    flat.putpalette(palette, "RGB")
    return flat.convert("RGB")


_CACHE: OrderedDict[tuple, DecodedImage] = OrderedDict()
_CACHE_LOCK = Lock()
CACHE_BYTES = 192 * 1024 * 1024  # decoded frames kept for reuse, in all; an image larger than this is not kept
_cached_bytes = 0


def _kept_bytes(decoded: DecodedImage) -> int:
    return sum(frame.width * frame.height * KEPT_BYTES_PER_PIXEL for frame in decoded.frames)


def load_image(ref: str, data: bytes | None = None, limits: ImageLimits | None = None) -> DecodedImage:
    """Decode an image given as bytes, a local path, or (only when ``limits.fetch_urls``) an http(s) URL.

    Recently decoded images are cached (at most :data:`CACHE_BYTES` of frames) so that several image detectors
    on one item decode it once.
    """
    limits = limits or ImageLimits()
    key = (ref, hashlib.sha256(data).digest() if data is not None else None, limits)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    decoded = decode_bytes(_read_source(ref, data, limits), ref, limits)
    _remember(key, decoded)
    return decoded


def _remember(key: tuple, decoded: DecodedImage) -> None:
    global _cached_bytes
    size = _kept_bytes(decoded)
    if size > CACHE_BYTES:
        return
    with _CACHE_LOCK:
        if key in _CACHE:
            return
        _CACHE[key] = decoded
        _cached_bytes += size
        while _cached_bytes > CACHE_BYTES:
            _old_key, old = _CACHE.popitem(last=False)
            _cached_bytes -= _kept_bytes(old)


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
