"""Hashed character n-gram features, computed with numpy only.

Training and inference share this module, so the features are identical bit for bit. A text is normalised
(:func:`prepare`), framed by begin/end markers, and every character n-gram (orders ``1..max_order``) is hashed
with a 64-bit polynomial hash plus a final mixer into ``2**bits`` buckets. Feature values are bucket counts
scaled to unit L2 norm per text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MUL = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_BOS, _EOS = 0x02, 0x03
_DIGITS = str.maketrans("0123456789", "0000000000")


def _fallback_normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _normaliser():
    try:
        from qinglang.text.normalize import normalize_text
    except ImportError:
        return _fallback_normalise, "nfkc-lower"
    return normalize_text, "qinglang.text.normalize"


_NORMALISE, NORMALISER_NAME = _normaliser()


def prepare(text: str) -> str:
    """The string n-grams are taken from: the shared normaliser, then every ASCII digit folded to ``0``."""
    return _NORMALISE(text).translate(_DIGITS)


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    bits: int = 18
    max_order: int = 3

    @property
    def dim(self) -> int:
        return 1 << self.bits


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated code points (each text framed by BOS/EOS) and the text index of each position."""
    framed = "".join(f"\x02{t}\x03" for t in texts)
    codes = np.frombuffer(framed.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return codes, doc


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(33))
    h = h * _MIX2
    return h ^ (h >> np.uint64(33))


def hashed_ngrams(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """``(doc, bucket)`` for every n-gram of every (already prepared) text."""
    codes, doc = _codes(texts)
    mask = np.uint64(spec.dim - 1)
    docs, buckets = [], []
    h = np.zeros(len(codes), dtype=np.uint64)
    for n in range(1, spec.max_order + 1):
        m = len(codes) - n + 1
        if m <= 0:
            break
        h = h[:m] * _MUL + codes[n - 1 : n - 1 + m]
        keep = doc[:m] == doc[n - 1 : n - 1 + m]
        if n == 1:
            keep &= (codes[:m] != _BOS) & (codes[:m] != _EOS)
        docs.append(doc[:m][keep])
        buckets.append((_mix(h[keep] + np.uint64(n)) >> np.uint64(20)) & mask)
    return np.concatenate(docs), np.concatenate(buckets).astype(np.int64)


def sparse_counts(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-L2 bucket counts as COO triplets ``(doc, bucket, value)`` sorted by doc then bucket."""
    doc, bucket = hashed_ngrams(texts, spec)
    keys, counts = np.unique(doc * spec.dim + bucket, return_counts=True)
    rows, cols = keys // spec.dim, keys % spec.dim
    counts = counts.astype(np.float64)
    norms = np.sqrt(np.bincount(rows, weights=counts * counts, minlength=len(texts)))
    values = counts / np.where(norms[rows] > 0, norms[rows], 1.0)
    return rows, cols, values
