"""The *hard photo* pass: a few image variants of a photographed code that every other pass failed to read.

A small, blurred, shaken, tilted or dimly lit photo of a code often shows its finder patterns (zxing locates the
symbol, or :func:`qinglang.detectors.qr.decode.has_finder_patterns` sees the rings) and still decodes nowhere.
Sharpening it, thresholding it at one fixed grey level, thickening its dark modules or turning it back towards
upright often reads it. :func:`read_variants` tries such variants in order of measured gain per millisecond and
stops at the first that reads a code, or when its CPU budget is spent.

The set was chosen on the dev part of ``scripts/eval_qr_hard.py`` (the misses of every other pass, 57
binarisation, scale, rotation, sharpening and morphology variants measured; a greedy cover by codes gained);
``deblurred`` came later, the best of the deblurring variants measured on the misses that remained (10 of
them read, all motion-blurred):

========================  ============================================================  ====================
variant                   what it undoes                                                ms at 240x240
========================  ============================================================  ====================
``fixed``                 zxing's FixedThreshold binariser (grey 127): motion blur,     0.15
                          where the local binariser breaks thin smeared modules
``unsharp``               2x bicubic, unsharp mask (sigma 2, amount 1.5): Gaussian      1.7
                          blur and low contrast
``erode``                 2x, dark modules grown by a 3x3 minimum: light smear          0.7
``rotated``               2x, turned 30 degrees: tilted codes zxing's detector misses   2.7
``unsharp_histogram``     3x, unsharp mask, zxing's GlobalHistogram binariser:          4.0
                          noise and JPEG over blur
``deblurred``             straight motion blur estimated (direction, length) and        5
                          Wiener-deconvolved (:mod:`~qinglang.detectors.qr.deblur`),
                          then 2x: shaken photos (on a copy of at most 320 px)
========================  ============================================================  ====================

Every read keeps zxing's own validation (Reed-Solomon error correction succeeded, ``valid`` and a non-empty
text); nothing here relaxes it. On the hard split's 360 code-less images (degraded textures and posters) no
variant read anything (see docs/evaluation.md)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

VARIANT_SIDE = 640  # the variants work on a copy whose long side is at most this
DEBLUR_SIDE = 320  # the deblurred variant works on a copy whose long side is at most this (bounds its cost)
BUDGET_MS = 40.0  # CPU time after which no further variant starts (one variant may run past it)

Point = tuple[int, int]
Read = tuple[str, tuple[Point, ...]]


def _zxing(gray: np.ndarray, binarizer: str = "LocalAverage") -> list:
    import zxingcpp

    return [
        b
        for b in zxingcpp.read_barcodes(
            np.ascontiguousarray(gray),
            formats=zxingcpp.BarcodeFormat.QRCode,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=getattr(zxingcpp.Binarizer, binarizer),
        )
        if b.valid and b.text
    ]


def _resize(gray: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    if factor == 1.0:
        return gray
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)


def _unsharp(gray: np.ndarray, sigma: float, amount: float = 1.5) -> np.ndarray:
    import cv2

    return cv2.addWeighted(gray, 1 + amount, cv2.GaussianBlur(gray, (0, 0), sigma), -amount, 0)


def _affine(matrix: np.ndarray) -> Callable[[float, float], Point]:
    """Maps a point of a variant back to the copy it was made from (``matrix``: the 2x3 forward transform)."""
    inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    return lambda x, y: (int(inverse[0, 0] * x + inverse[0, 1] * y + inverse[0, 2]),
                         int(inverse[1, 0] * x + inverse[1, 1] * y + inverse[1, 2]))


def _scaled(factor: float) -> np.ndarray:
    return np.array([[factor, 0, 0], [0, factor, 0]], dtype=np.float64)


def _fixed(gray):
    return gray, _scaled(1.0), "FixedThreshold"


def _unsharp2(gray):
    return _unsharp(_resize(gray, 2.0), 2.0), _scaled(2.0), "LocalAverage"


def _erode2(gray):
    import cv2

    return cv2.erode(_resize(gray, 2.0), np.ones((3, 3), np.uint8)), _scaled(2.0), "LocalAverage"


def _rotated2(gray):
    """2x, turned 30 degrees on a canvas grown to hold every corner (a code near an edge stays whole)."""
    import cv2

    big = _resize(gray, 2.0)
    h, w = big.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 30, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    side_w, side_h = int(w * cos + h * sin) + 1, int(w * sin + h * cos) + 1
    turn[0, 2] += (side_w - w) / 2
    turn[1, 2] += (side_h - h) / 2
    out = cv2.warpAffine(big, turn, (side_w, side_h), flags=cv2.INTER_CUBIC, borderValue=255)
    return out, turn @ np.vstack([_scaled(2.0), [0, 0, 1]]), "LocalAverage"


def _unsharp3_histogram(gray):
    return _unsharp(_resize(gray, 3.0), 3.0), _scaled(3.0), "GlobalHistogram"


def _deblurred2(gray):
    """On a copy of at most :data:`DEBLUR_SIDE` px: straight motion blur estimated and deconvolved, then 2x."""
    from qinglang.detectors.qr.deblur import deblurred

    factor = min(1.0, DEBLUR_SIDE / max(gray.shape))
    return _resize(deblurred(_resize(gray, factor)), 2.0), _scaled(2.0 * factor), "LocalAverage"


VARIANTS = (  # (name, build): build returns (variant image, 2x3 transform from the copy to it, zxing binariser)
    ("fixed", _fixed),
    ("unsharp", _unsharp2),
    ("erode", _erode2),
    ("rotated", _rotated2),
    ("unsharp_histogram", _unsharp3_histogram),
    ("deblurred", _deblurred2),
)


def read_variants(gray: np.ndarray, budget_ms: float = BUDGET_MS) -> tuple[list[Read], str | None]:
    """The codes the first successful variant of ``gray`` reads, as (payload, polygon in ``gray``'s pixels), and
    that variant's name; ``([], None)`` when none reads one within ``budget_ms`` of CPU time."""
    start = time.process_time()
    copy, factor = _reduced(gray)
    for name, build in VARIANTS:
        if (time.process_time() - start) * 1000 > budget_ms:
            break
        image, matrix, binarizer = build(copy)
        back = _affine(matrix)
        reads = [(b.text, _points(b, back, factor)) for b in _zxing(image, binarizer)]
        if reads:
            return reads, name
    return [], None


def _reduced(gray: np.ndarray) -> tuple[np.ndarray, float]:
    factor = min(1.0, VARIANT_SIDE / max(gray.shape))
    return _resize(gray, factor), factor


def _points(barcode, back: Callable[[float, float], Point], factor: float) -> tuple[Point, ...]:
    pos = barcode.position
    corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
    return tuple((int(x / factor), int(y / factor)) for x, y in (back(p.x, p.y) for p in corners))
