"""Radius search over PDQ image hashes: which stored images are within ``radius`` bits of this one.

A PDQ hash is 256 bits; re-encoded, resized or lightly edited copies of an image land a few bits apart and
unrelated images about 128 bits apart, so "within 31 bits" is the usual match (the same threshold as the
register's ``image_hash`` entries). The index keeps the hashes packed as a ``(n, 32)`` array of bytes and
answers a query by brute force: XOR with every row and count the bits (``numpy.bitwise_count``). That is one
pass over 32 bytes per stored image, millions per second, which is all a corpus of this size needs; a
vantage-point tree or a multi-index hash would only pay off far beyond it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

HASH_BYTES = 32
DEFAULT_RADIUS = 31


def pack(hex_hash: str) -> np.ndarray:
    """The 32 bytes of a 64-hex-digit PDQ hash; ``ValueError`` for anything else."""
    value = hex_hash.strip().lower()
    if len(value) != 2 * HASH_BYTES:
        raise ValueError(f"a PDQ hash has {2 * HASH_BYTES} hex digits, not {len(value)}")
    try:
        return np.frombuffer(bytes.fromhex(value), dtype=np.uint8)
    except ValueError:
        raise ValueError("a PDQ hash is written in hex digits 0-9 a-f") from None


@dataclass(frozen=True, slots=True)
class ImageMatch:
    key: Hashable
    distance: int  # differing bits of 256


class ImageHashIndex:
    """PDQ hashes under keys; ``within(hash, radius)`` lists the keys near a hash, nearest first."""

    def __init__(self, items: Iterable[tuple[Hashable, str]] = ()) -> None:
        self._keys: list[Hashable] = []
        rows = []
        for key, value in items:
            rows.append(pack(value))
            self._keys.append(key)
        self._bits = np.vstack(rows) if rows else np.zeros((0, HASH_BYTES), dtype=np.uint8)

    def __len__(self) -> int:
        return len(self._keys)

    def distances(self, hex_hash: str) -> np.ndarray:
        """Hamming distance from ``hex_hash`` to every stored hash, in insertion order."""
        return np.bitwise_count(np.bitwise_xor(self._bits, pack(hex_hash))).sum(axis=1, dtype=np.int32)

    def within(self, hex_hash: str, radius: int = DEFAULT_RADIUS) -> list[ImageMatch]:
        """Stored hashes at most ``radius`` bits from ``hex_hash``, nearest first (ties in insertion order)."""
        d = self.distances(hex_hash)
        near = np.flatnonzero(d <= radius)
        order = near[np.argsort(d[near], kind="stable")]
        return [ImageMatch(self._keys[i], int(d[i])) for i in order]
