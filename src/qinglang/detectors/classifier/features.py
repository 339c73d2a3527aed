"""Hashed character n-gram features, computed with numpy only.

Training and inference share this module, so the features are identical bit for bit. A text is normalised
(:func:`prepare`), framed by begin/end markers, and every character n-gram (orders ``1..max_order``) is hashed
with a 64-bit polynomial hash and multiplicative (Fibonacci) hashing into ``2**bits`` buckets. Feature values are bucket counts
(optionally sublinear, ``1 + ln count``) scaled to unit L2 norm per text.

The normaliser drops emoji and symbols between two Chinese characters (so 色😀情 reads 色情), but in slang the
emoji often *is* the word (🦌, 🐮, ✈️杯). The optional symbol view puts them back: every emoji or symbol of the
text before noise stripping, alone and with its left and right neighbour, hashed into the same buckets as its
own block, scaled to norm ``symbol_weight``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qinglang.text.charmap import fold
from qinglang.text.normalize import normalize_text

_MUL = np.uint64(0x100000001B3)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_BOS, _EOS = 0x02, 0x03
DIGIT_FOLD = str.maketrans("0123456789", "0000000000")
_NONZERO_DIGIT = re.compile("[1-9]")


NORMALISER_NAME = "qinglang.text.normalize"  # recorded in meta.json


def prepare(text: str) -> str:
    """The string n-grams are taken from: the shared normaliser, then every ASCII digit folded to ``0``."""
    return fold_digits(normalize_text(text))


def fold_digits(text: str) -> str:
    """``text.translate(DIGIT_FOLD)``: every ASCII digit becomes ``0``. A regular expression finds the few digits of
    Chinese prose several times faster than ``str.translate`` walks every character."""
    return _NONZERO_DIGIT.sub("0", text) if _NONZERO_DIGIT.search(text) else text


@dataclass(frozen=True, slots=True, eq=False)
class FeatureSpec:
    """``bits``: log2 of the bucket count; ``max_order``: longest character n-gram; ``pinyin_order``: longest
    n-gram over the characters' toneless pinyin syllables (0 = off), which makes homophone spellings
    (色色/涩涩/瑟瑟) share features. ``pinyin`` maps code point ``0x4E00 + i`` to a syllable id (0 = none).
    ``sublinear``: a bucket seen ``k`` times counts ``1 + ln k`` instead of ``k`` (before the L2 scaling).
    ``symbol_weight``: the L2 norm of the symbol view's block (0 = off; see the module docstring)."""

    bits: int = 18
    max_order: int = 3
    pinyin_order: int = 0
    pinyin: np.ndarray | None = None
    sublinear: bool = False
    symbol_weight: float = 0.0

    @property
    def dim(self) -> int:
        return 1 << self.bits


_CJK_BASE, _SYLLABLE_BASE = 0x4E00, np.uint64(1 << 40)


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated code points (each text framed by BOS/EOS) and the text index of each position."""
    framed = "".join(f"\x02{t}\x03" for t in texts)
    codes = np.frombuffer(framed.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return codes, doc


def _bucket(h: np.ndarray, salt: int, bits: int) -> np.ndarray:
    """Fibonacci (multiplicative) hashing of the polynomial hash, salted by the n-gram order and view."""
    return ((h + np.uint64(salt)) * _GOLD) >> np.uint64(64 - bits)


def _syllables(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Each CJK code point with a reading becomes ``SYLLABLE_BASE + id``; everything else stays itself."""
    idx = codes.astype(np.int64) - _CJK_BASE
    inside = (idx >= 0) & (idx < len(table))
    ids = np.zeros(len(codes), dtype=np.uint64)
    ids[inside] = table[idx[inside]]
    return np.where(ids > 0, ids + _SYLLABLE_BASE, codes)


def _views(codes: np.ndarray, spec: FeatureSpec) -> list[tuple[np.ndarray, int, int]]:
    """(sequence, max order, salt offset) for each view of the text: characters, then pinyin syllables."""
    views = [(codes, spec.max_order, 0)]
    if spec.pinyin_order and spec.pinyin is not None:
        views.append((_syllables(codes, spec.pinyin), spec.pinyin_order, 16))
    return views


def hashed_ngrams(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """``(doc, bucket)`` for every n-gram of every (already prepared) text."""
    if len(texts) == 1:
        return _one_text(texts[0], spec)
    codes, doc = _codes(texts)
    docs, buckets = [], []
    for seq, max_order, salt in _views(codes, spec):
        h = np.zeros(len(seq), dtype=np.uint64)
        for n in range(1, max_order + 1):
            m = len(seq) - n + 1
            if m <= 0:
                break
            h = h[:m] * _MUL + seq[n - 1 : n - 1 + m]
            keep = doc[:m] == doc[n - 1 : n - 1 + m]
            if n == 1:
                keep &= (codes[:m] != _BOS) & (codes[:m] != _EOS)
            docs.append(doc[:m][keep])
            buckets.append(_bucket(h[keep], n + salt, spec.bits))
    return np.concatenate(docs), np.concatenate(buckets).astype(np.int64)


def _one_text(text: str, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """The same features as :func:`hashed_ngrams` for a single text, with fewer array operations."""
    codes = np.frombuffer(f"\x02{text}\x03".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    for seq, max_order, salt in _views(codes, spec):
        parts.append(_bucket(seq[1:-1], 1 + salt, spec.bits))
        h = seq
        for n in range(2, min(max_order, len(seq)) + 1):
            h = h[: len(seq) - n + 1] * _MUL + seq[n - 1 :]
            parts.append(_bucket(h, n + salt, spec.bits))
    buckets = np.concatenate(parts).astype(np.int64)
    return np.zeros(len(buckets), dtype=np.int64), buckets


def build_pinyin_table() -> np.ndarray:
    """Syllable ids for U+4E00..U+9FFF from pypinyin (training only; the table ships inside the model)."""
    from pypinyin import Style, lazy_pinyin

    readings = [lazy_pinyin(chr(cp), style=Style.NORMAL)[0] for cp in range(_CJK_BASE, 0xA000)]
    syllables = sorted({r for r in readings if r.isascii() and r.isalpha()})
    ids = {syl: i + 1 for i, syl in enumerate(syllables)}
    return np.array([ids.get(r, 0) for r in readings], dtype=np.uint16)


SYMBOL_RANGES = ((0x2190, 0x2BFF), (0x1F000, 0x1FAFF))  # arrows, shapes, dingbats (❤ ☆ ✈); emoji, pictographs
SYMBOL_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in SYMBOL_RANGES) + "]")
SYMBOL_SALT = 40


def symbol_ngrams(raw: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """``(doc, bucket)`` of the symbol view: each emoji or symbol of the folded raw text (framed by BOS/EOS),
    alone and as a bigram with each neighbour."""
    if not SYMBOL_RE.search("".join(raw)):  # one search for the many batches (a long text's windows) without any
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    docs, buckets = [], []
    for i, text in enumerate(raw):
        if not SYMBOL_RE.search(text):
            continue
        codes = np.frombuffer(f"\x02{fold(text)}\x03".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        at = np.flatnonzero(np.logical_or.reduce([(codes >= lo) & (codes <= hi) for lo, hi in SYMBOL_RANGES]))
        if not len(at):
            continue
        mid = codes[at]
        parts = (
            _bucket(mid, SYMBOL_SALT, spec.bits),
            _bucket(codes[at - 1] * _MUL + mid, SYMBOL_SALT + 1, spec.bits),
            _bucket(mid * _MUL + codes[at + 1], SYMBOL_SALT + 2, spec.bits),
        )
        docs.append(np.full(3 * len(at), i, dtype=np.int64))
        buckets.append(np.concatenate(parts).astype(np.int64))
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs), np.concatenate(buckets)


def unit_block(doc: np.ndarray, bucket: np.ndarray, n: int, spec: FeatureSpec, norm: float = 1.0):
    """Bucket counts per doc as sorted COO triplets, sublinear if asked, each doc's row scaled to L2 ``norm``."""
    if n * spec.dim < 2**31:  # sorting 32-bit keys is about twice as fast
        keys = doc.astype(np.int32) * np.int32(spec.dim) + bucket.astype(np.int32)
    else:
        keys = doc * spec.dim + bucket
    keys, counts = np.unique(keys, return_counts=True)
    keys = keys.astype(np.int64)
    rows, cols = keys >> spec.bits, keys & (spec.dim - 1)
    counts = counts.astype(np.float64)
    if spec.sublinear:
        counts = 1.0 + np.log(counts)
    norms = np.sqrt(np.bincount(rows, weights=counts * counts, minlength=n)) / norm
    norms[norms == 0] = 1.0  # a doc without features keeps its (empty) row as it is
    return rows, cols, counts / norms[rows]


def sparse_counts(
    texts: Sequence[str], spec: FeatureSpec, raw: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature triplets ``(doc, bucket, value)`` sorted by doc: the n-gram block (unit L2 per text) of the prepared
    ``texts``, plus, when ``spec.symbol_weight`` is set, the symbol block of ``raw`` (the texts before
    normalisation; defaults to ``texts``). A bucket can appear once in each block; consumers sum duplicates."""
    doc, bucket = hashed_ngrams(texts, spec)
    rows, cols, values = unit_block(doc, bucket, len(texts), spec)
    return _with_symbols(rows, cols, values, texts if raw is None else raw, spec)


def _with_symbols(rows, cols, values, raw: Sequence[str], spec: FeatureSpec):
    """The n-gram triplets plus the symbol block of ``raw`` (when the spec has one), sorted by doc."""
    if not spec.symbol_weight:
        return rows, cols, values
    sdoc, sbucket = symbol_ngrams(raw, spec)
    if not len(sdoc):
        return rows, cols, values
    srows, scols, svalues = unit_block(sdoc, sbucket, len(raw), spec, spec.symbol_weight)
    rows, cols, values = np.concatenate([rows, srows]), np.concatenate([cols, scols]), np.concatenate([values, svalues])
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order], values[order]

