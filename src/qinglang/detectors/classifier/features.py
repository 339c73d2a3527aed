"""Hashed character n-gram features, computed with numpy only.

Training and inference share this module, so the features are identical bit for bit. A text is normalised
(:func:`prepare`), framed by begin/end markers, and every character n-gram (orders ``1..max_order``) is hashed
with a 64-bit polynomial hash and multiplicative (Fibonacci) hashing into ``2**bits`` buckets. Feature values are bucket counts
scaled to unit L2 norm per text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MUL = np.uint64(0x100000001B3)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
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


def _bucket(h: np.ndarray, n: int, bits: int) -> np.ndarray:
    """Fibonacci (multiplicative) hashing of the polynomial hash, salted by the n-gram order."""
    return ((h + np.uint64(n)) * _GOLD) >> np.uint64(64 - bits)


def hashed_ngrams(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """``(doc, bucket)`` for every n-gram of every (already prepared) text."""
    if len(texts) == 1:
        return _one_text(texts[0], spec)
    codes, doc = _codes(texts)
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
        buckets.append(_bucket(h[keep], n, spec.bits))
    return np.concatenate(docs), np.concatenate(buckets).astype(np.int64)


def _one_text(text: str, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """The same features as :func:`hashed_ngrams` for a single text, with fewer array operations."""
    codes = np.frombuffer(f"\x02{text}\x03".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = [_bucket(codes[1:-1], 1, spec.bits)]
    h = codes
    for n in range(2, min(spec.max_order, len(codes)) + 1):
        m = len(codes) - n + 1
        h = h[:m] * _MUL + codes[n - 1 :]
        parts.append(_bucket(h, n, spec.bits))
    buckets = np.concatenate(parts).astype(np.int64)
    return np.zeros(len(buckets), dtype=np.int64), buckets


def sparse_counts(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-L2 bucket counts as COO triplets ``(doc, bucket, value)`` sorted by doc then bucket."""
    doc, bucket = hashed_ngrams(texts, spec)
    keys, counts = np.unique(doc * spec.dim + bucket, return_counts=True)
    rows, cols = keys // spec.dim, keys % spec.dim
    counts = counts.astype(np.float64)
    norms = np.sqrt(np.bincount(rows, weights=counts * counts, minlength=len(texts)))
    values = counts / np.where(norms[rows] > 0, norms[rows], 1.0)
    return rows, cols, values
