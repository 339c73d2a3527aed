"""The classifier's n-gram block and its product with the weights, compiled with numba.

:mod:`~qinglang.detectors.classifier.features` stays the definition of the features (training uses it); this
module computes the same numbers, bit for bit, in one pass per text instead of some sixty numpy operations per
article. For each text: frame it with BOS/EOS, hash every n-gram of both views (characters, pinyin syllables)
into buckets as :func:`~qinglang.detectors.classifier.features.hashed_ngrams` does, sort the buckets with a
two-pass radix sort, count runs, look each count's value up in a table that numpy computed (so ``1 + ln k`` is
numpy's own logarithm), and scale the row to unit L2 norm summing in the same order as ``np.bincount``.
:func:`accumulate` is scipy's CSR-times-dense loop (``csr_matvecs``) in float32, in the same order.

The kernels compile on first use and are cached on disk (numba's ``cache=True``: ``__pycache__`` beside this
file, else the user's cache folder, else not cached); :func:`warm_up` does that at model load so the first
screened item does not pay for it. Identity with the numpy path is tested property-based
(``tests/unit/test_classifier_kernel.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from qinglang.detectors.classifier.features import SYMBOL_RANGES, SYMBOL_RE, SYMBOL_SALT, FeatureSpec
from qinglang.text.charmap import fold

_BOS, _EOS = 0x02, 0x03
_CJK_BASE = 0x4E00
_PINYIN_SALT = 16


def _ngram_block(codes, offsets, pinyin, bits, max_order, pinyin_order, drop_marks, table):  # pragma: no cover
    """``(rows, cols, values)`` of the n-gram block of texts ``codes[offsets[i]:offsets[i + 1]]`` (compiled)."""
    mul, gold = np.uint64(0x100000001B3), np.uint64(0x9E3779B97F4A7C15)
    bos, eos = np.uint64(_BOS), np.uint64(_EOS)
    shift = np.uint64(64 - bits)
    syllable_base = np.uint64(1 << 40)
    n_texts = len(offsets) - 1
    orders = max_order + pinyin_order
    longest = 0
    total = 0
    for t in range(n_texts):
        framed = offsets[t + 1] - offsets[t] + 2
        longest = max(longest, framed)
        total += framed * orders
    rows = np.empty(total, dtype=np.int64)
    cols = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=np.float64)
    chars = np.empty(longest, dtype=np.uint64)
    sounds = np.empty(longest, dtype=np.uint64)
    h = np.empty(longest, dtype=np.uint64)
    found = np.empty(longest * orders, dtype=np.int64)
    spare = np.empty(longest * orders, dtype=np.int64)
    low_bits = (bits + 1) // 2
    radix = 1 << low_bits
    histogram = np.empty(radix, dtype=np.int64)
    out = 0
    for t in range(n_texts):
        start, end = offsets[t], offsets[t + 1]
        framed = end - start + 2
        chars[0] = bos
        for i in range(start, end):
            chars[i - start + 1] = codes[i]
        chars[framed - 1] = eos
        k = 0
        for view in range(2):
            if view == 0:
                seq, order, salt = chars, max_order, 0
            else:
                if pinyin_order == 0:
                    break
                for i in range(framed):
                    c = chars[i]
                    sounds[i] = c
                    idx = np.int64(c) - _CJK_BASE
                    if 0 <= idx < len(pinyin) and pinyin[idx] > 0:
                        sounds[i] = np.uint64(pinyin[idx]) + syllable_base
                seq, order, salt = sounds, pinyin_order, _PINYIN_SALT
            salted = np.uint64(1 + salt)
            for i in range(1, framed - 1):
                if drop_marks and (chars[i] == bos or chars[i] == eos):
                    continue
                found[k] = np.int64(((seq[i] + salted) * gold) >> shift)
                k += 1
            for i in range(framed):
                h[i] = seq[i]
            for n in range(2, min(order, framed) + 1):
                salted = np.uint64(n + salt)
                for i in range(framed - n + 1):
                    h[i] = h[i] * mul + seq[i + n - 1]
                    found[k] = np.int64(((h[i] + salted) * gold) >> shift)
                    k += 1
        for p in range(2):  # least-significant-digit radix sort of found[:k], low half then high half
            digit, source, target = (0, found, spare) if p == 0 else (low_bits, spare, found)
            histogram[:] = 0
            for i in range(k):
                histogram[(source[i] >> digit) & (radix - 1)] += 1
            running = 0
            for d in range(radix):
                seen = histogram[d]
                histogram[d] = running
                running += seen
            for i in range(k):
                d = (source[i] >> digit) & (radix - 1)
                target[histogram[d]] = source[i]
                histogram[d] += 1
        first = out
        squares = 0.0
        i = 0
        while i < k:
            j = i + 1
            while j < k and found[j] == found[i]:
                j += 1
            v = table[j - i]
            rows[out], cols[out], values[out] = t, found[i], v
            squares += v * v
            out += 1
            i = j
        norm = np.sqrt(squares) / 1.0
        if norm == 0:
            norm = 1.0
        for j in range(first, out):
            values[j] = values[j] / norm
    return rows[:out], cols[:out], values[:out]


def _symbol_block(codes, offsets, docs, lows, highs, bits, weight, table):  # pragma: no cover
    """``(rows, cols, values)`` of the symbol view of folded texts ``codes[offsets[i]:offsets[i + 1]]`` whose rows
    are ``docs[i]`` (increasing), each row scaled to L2 norm ``weight`` (compiled)."""
    mul, gold = np.uint64(0x100000001B3), np.uint64(0x9E3779B97F4A7C15)
    shift = np.uint64(64 - bits)
    total = 3 * (offsets[-1] - offsets[0])
    rows = np.empty(total, dtype=np.int64)
    cols = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=np.float64)
    out = 0
    for t in range(len(docs)):
        start, end = offsets[t], offsets[t + 1]
        found = np.empty(3 * (end - start), dtype=np.int64)
        k = 0
        for i in range(start, end):
            mid = np.uint64(codes[i])
            symbol = False
            for r in range(len(lows)):
                symbol = symbol or (lows[r] <= mid <= highs[r])
            if not symbol:
                continue
            left = np.uint64(codes[i - 1]) if i > start else np.uint64(_BOS)
            right = np.uint64(codes[i + 1]) if i + 1 < end else np.uint64(_EOS)
            for salt, h in ((0, mid), (1, left * mul + mid), (2, mid * mul + right)):
                found[k] = np.int64(((h + np.uint64(SYMBOL_SALT + salt)) * gold) >> shift)
                k += 1
        for i in range(1, k):  # insertion sort: a text has few symbols
            v, j = found[i], i - 1
            while j >= 0 and found[j] > v:
                found[j + 1] = found[j]
                j -= 1
            found[j + 1] = v
        first, squares, i = out, 0.0, 0
        while i < k:
            j = i + 1
            while j < k and found[j] == found[i]:
                j += 1
            v = table[j - i]
            rows[out], cols[out], values[out] = docs[t], found[i], v
            squares += v * v
            out += 1
            i = j
        norm = np.sqrt(squares) / weight
        if norm == 0:
            norm = 1.0
        for j in range(first, out):
            values[j] = values[j] / norm
    return rows[:out], cols[:out], values[:out]


def _accumulate(rows, cols, values, weights, out):  # pragma: no cover
    """``out[rows[j]] += float32(values[j]) * weights[cols[j]]`` for each j in order (compiled)."""
    for j in range(len(rows)):
        a = np.float32(values[j])
        r, c = rows[j], cols[j]
        for m in range(weights.shape[1]):
            out[r, m] += a * weights[c, m]


def _compile(fn):
    """``fn`` compiled by numba, cached on disk where numba finds a writable place, else compiled per process."""
    from numba import njit

    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no writable cache location: compile in memory
        return njit(nogil=True)(fn)


_KERNELS: dict[str, object] = {}


def _kernel(name: str):
    if name not in _KERNELS:
        _KERNELS[name] = _compile({"ngram_block": _ngram_block, "symbol_block": _symbol_block,
                                   "accumulate": _accumulate}[name])
    return _KERNELS[name]


_EMPTY_PINYIN = np.zeros(0, dtype=np.uint16)
_TABLES: dict[bool, np.ndarray] = {}


def count_values(sublinear: bool, largest: int) -> np.ndarray:
    """``table[k]``: the value of a bucket seen ``k`` times, for every ``k <= largest``, computed by numpy exactly
    as :func:`~qinglang.detectors.classifier.features.unit_block` computes it (``1 + ln k`` when sublinear)."""
    table = _TABLES.get(sublinear)
    if table is None or len(table) <= largest:
        counts = np.arange(max(largest + 1, 4096), dtype=np.int64).astype(np.float64)
        table = 1.0 + np.log(np.maximum(counts, 1.0)) if sublinear else counts
        _TABLES[sublinear] = table
    return table


def ngram_block(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, values)`` of the n-gram block of prepared ``texts``: equal to
    ``unit_block(*hashed_ngrams(texts, spec), len(texts), spec)``."""
    lengths = list(map(len, texts))
    offsets = np.fromiter(accumulate(lengths, initial=0), dtype=np.int64, count=len(texts) + 1)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    pinyin_order = spec.pinyin_order if spec.pinyin is not None else 0
    table = count_values(spec.sublinear, (max(lengths, default=0) + 2) * (spec.max_order + pinyin_order))
    pinyin = spec.pinyin if spec.pinyin is not None else _EMPTY_PINYIN
    return _kernel("ngram_block")(codes, offsets, pinyin, spec.bits, spec.max_order, pinyin_order,
                                  len(texts) > 1, table)


_LOWS = np.array([lo for lo, _ in SYMBOL_RANGES], dtype=np.uint64)
_HIGHS = np.array([hi for _, hi in SYMBOL_RANGES], dtype=np.uint64)


def symbol_block(raw: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(rows, cols, values)`` of the symbol view of ``raw``, None when no text has a symbol: equal to
    ``unit_block(*symbol_ngrams(raw, spec), len(raw), spec, spec.symbol_weight)``."""
    if not SYMBOL_RE.search("".join(raw)):  # one search for the many batches (a long text's windows) without any
        return None
    docs = [i for i, text in enumerate(raw) if SYMBOL_RE.search(text)]
    folded = [fold(raw[i]) for i in docs]
    lengths = list(map(len, folded))
    offsets = np.fromiter(accumulate(lengths, initial=0), dtype=np.int64, count=len(folded) + 1)
    codes = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
    table = count_values(spec.sublinear, 3 * max(lengths))
    return _kernel("symbol_block")(codes, offsets, np.array(docs, dtype=np.int64), _LOWS, _HIGHS, spec.bits,
                                   spec.symbol_weight, table)


def blocks(texts: Sequence[str], spec: FeatureSpec, raw: Sequence[str] | None = None) -> list[tuple]:
    """The feature blocks of prepared ``texts`` as ``(rows, cols, values)`` triplets, each sorted by row: the
    n-gram block, then the symbol block of ``raw`` when the spec has one and a text has a symbol.
    :func:`sparse_counts` merges them; :func:`product` sums them in the merged order without merging."""
    out = [ngram_block(texts, spec)]
    symbols = symbol_block(texts if raw is None else raw, spec) if spec.symbol_weight else None
    if symbols is not None and len(symbols[0]):
        out.append(symbols)
    return out


def sparse_counts(
    texts: Sequence[str], spec: FeatureSpec, raw: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~qinglang.detectors.classifier.features.sparse_counts`, with the n-gram block compiled."""
    parts = blocks(texts, spec, raw)
    if len(parts) == 1:
        return parts[0]
    rows, cols, values = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    order = np.argsort(rows, kind="stable")  # each text's n-gram entries, then its symbol entries
    return rows[order], cols[order], values[order]


def product(parts: Sequence[tuple], weights: np.ndarray, n: int) -> np.ndarray:
    """``csr_matrix((values.astype(float32), (rows, cols))) @ weights`` (float32) of the merged ``parts``, summed
    in scipy's order: a row's sums never meet another row's, so adding each block's entries in turn gives every
    row its n-gram terms, then its symbol terms, as the merged matrix would."""
    out = np.zeros((n, weights.shape[1]), dtype=np.float32)
    for rows, cols, values in parts:
        _kernel("accumulate")(rows, cols, values, weights, out)
    return out


def warm_up(spec: FeatureSpec, weights: np.ndarray) -> None:
    """Compile (or load from the disk cache) both kernels for these argument types, at model load."""
    product([ngram_block(["预热", "ab"], spec)], weights, 2)
    if spec.symbol_weight:
        symbol_block(["预热😀", "ab"], spec)
