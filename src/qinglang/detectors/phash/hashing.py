"""PDQ perceptual hashes (256 bits, hex) and Hamming-distance matching. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PIL import Image

HASH_BITS = 256
DEFAULT_THRESHOLD = 31  # bits of 256: the usual PDQ match threshold
MAX_SIDE = 512  # images are reduced to this before hashing (PDQ is robust to scale; this bounds the cost)


def pdq_hex(img: Image.Image) -> tuple[str, int]:
    """``(64-hex-digit PDQ hash, quality 0..100)`` of an image."""
    import pdqhash

    if max(img.size) > MAX_SIDE:
        img = img.copy()
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
    vector, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(img.convert("RGB"))))
    return bits_to_hex(vector), int(quality)


def bits_to_hex(bits) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def is_hash(value: str) -> bool:
    return len(value) == HASH_BITS // 4 and all(c in "0123456789abcdef" for c in value.lower())


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def match_hashes(value: str, candidates: Iterable[str], threshold: int = DEFAULT_THRESHOLD) -> list[tuple[str, int]]:
    """Candidates within ``threshold`` bits of ``value``, nearest first."""
    hits = [(c, hamming(value, c)) for c in candidates if is_hash(c)]
    return sorted([h for h in hits if h[1] <= threshold], key=lambda h: h[1])
