"""The classifier's n-gram block and its product with the weights, in compiled loops (numba).

:mod:`~qinglang.detectors.classifier.features` stays the definition of the features (training uses it); this
module computes the same numbers, bit for bit, in one pass per text instead of some sixty numpy operations per
article (the loops are in :mod:`~qinglang.detectors.classifier.loops`). For each text: frame it with BOS/EOS,
hash every n-gram of both views (characters, pinyin syllables) into buckets as
:func:`~qinglang.detectors.classifier.features.hashed_ngrams` does, sort the buckets (a two-pass radix sort),
count runs, look each count's value up in a table that
numpy computed (so ``1 + ln k`` is numpy's own logarithm), and scale the row to unit L2 norm summing in the same
order as ``np.bincount``. The symbol view is done the same way. :func:`product` is scipy's CSR-times-dense loop
(``csr_matvecs``) in float32, summing in the same order, so the logits are scipy's too.

The loops compile on first use and are cached on disk; :func:`warm_up` does that at model load, so the first
screened item does not pay for it. Identity with the numpy and scipy path is tested property-based on arbitrary
text (``tests/unit/test_classifier_kernel.py``).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import cache
from itertools import accumulate

import numpy as np

from qinglang.detectors.classifier.features import SYMBOL_RANGES, FeatureSpec
from qinglang.text.charmap import fold


def _kernel(name: str):
    """The compiled loop ``name`` of :mod:`~qinglang.detectors.classifier.loops` (imported, so compiled or loaded
    from the disk cache, on first use: the CLI's other commands never import numba)."""
    from qinglang.detectors.classifier import loops

    return getattr(loops, name)


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


def _encoded(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``texts`` end to end, and ``offsets``: text ``i`` is ``codes[offsets[i]:offsets[i + 1]]``."""
    offsets = np.fromiter(accumulate(map(len, texts), initial=0), dtype=np.int64, count=len(texts) + 1)
    return np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32), offsets


def ngram_block(codes: np.ndarray, offsets: np.ndarray, spec: FeatureSpec) -> tuple[np.ndarray, ...]:
    """``(rows, cols, values)`` of the n-gram block of the prepared texts in ``codes`` (see :func:`_encoded`): equal
    to ``unit_block(*hashed_ngrams(texts, spec), len(texts), spec)``."""
    n_texts = len(offsets) - 1
    pinyin_order = spec.pinyin_order if spec.pinyin is not None else 0
    longest = int((offsets[1:] - offsets[:-1]).max()) if n_texts else 0
    table = count_values(spec.sublinear, (longest + 2) * (spec.max_order + pinyin_order))
    pinyin = spec.pinyin if spec.pinyin is not None else _EMPTY_PINYIN
    return _kernel("ngram_block")(codes, offsets, pinyin, spec.bits, spec.max_order, pinyin_order, n_texts > 1,
                                  table)


_LOWS = np.array([lo for lo, _ in SYMBOL_RANGES], dtype=np.uint64)
_HIGHS = np.array([hi for _, hi in SYMBOL_RANGES], dtype=np.uint64)


def symbol_block(raw: Sequence[str], codes: np.ndarray, offsets: np.ndarray, spec: FeatureSpec) -> tuple | None:
    """``(rows, cols, values)`` of the symbol view of ``raw`` (``codes`` and ``offsets`` its :func:`_encoded`
    form), None when no text has a symbol: equal to
    ``unit_block(*symbol_ngrams(raw, spec), len(raw), spec, spec.symbol_weight)``."""
    docs = _kernel("texts_with_symbols")(codes, offsets, _LOWS, _HIGHS)
    if not len(docs):
        return None
    folded = [fold(raw[i]) for i in docs.tolist()]
    folded_codes, folded_offsets = _encoded(folded)
    table = count_values(spec.sublinear, 3 * int((folded_offsets[1:] - folded_offsets[:-1]).max()))
    return _kernel("symbol_block")(folded_codes, folded_offsets, docs, _LOWS, _HIGHS, spec.bits,
                                   spec.symbol_weight, table)


def blocks(texts: Sequence[str], spec: FeatureSpec, raw: Sequence[str] | None = None) -> list[tuple]:
    """The feature blocks of prepared ``texts`` as ``(rows, cols, values)`` triplets, each sorted by row: the
    n-gram block, then the symbol block of ``raw`` when the spec has one and a text has a symbol.
    :func:`sparse_counts` merges them; :func:`product` sums them in the merged order without merging."""
    codes, offsets = _encoded(texts)
    out = [ngram_block(codes, offsets, spec)]
    if spec.symbol_weight:
        if raw is None or all(r is t for r, t in zip(raw, texts, strict=True)):  # a long text's windows
            symbols = symbol_block(texts, codes, offsets, spec)
        else:
            symbols = symbol_block(raw, *_encoded(raw), spec)
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


@cache
def character_classes() -> np.ndarray:
    """A class per BMP code point for :func:`window_spans`: sentence end, closing quote, whitespace
    (``str.isspace``, what ``str.strip`` removes; every whitespace character is in the BMP)."""
    from qinglang.detectors.classifier.windows import CLOSING_QUOTES, SENTENCE_ENDS

    classes = np.zeros(0x10000, dtype=np.uint8)
    for c in range(0x10000):
        if chr(c).isspace():
            classes[c] |= 4
    for ch in SENTENCE_ENDS:
        classes[ord(ch)] |= 1
    for ch in CLOSING_QUOTES:
        classes[ord(ch)] |= 2
    return classes


def window_spans(
    text: str, origin: Sequence[int], size: int, max_size: int, short: int, original: str = ""
) -> list[list[int]]:
    """``[start, end, original start, original end]`` of each window of a normalised ``text`` longer than
    ``max_size``: the windows :func:`~qinglang.detectors.classifier.windows.windows` gives, in its order, and
    their spans in the original text through the normaliser's ``origin`` map. ``original`` (the text before
    normalising) supplies the line breaks the normaliser removed between CJK characters (:func:`line_ends`)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.frombuffer(origin, dtype=np.intc) if isinstance(origin, array) else np.asarray(origin, np.intc)
    ends = line_ends(original, offsets)
    return _kernel("window_spans")(codes, character_classes(), size, max_size, short, offsets, ends).tolist()


def line_ends(original: str, origin: Sequence[int]) -> np.ndarray:
    """Per normalised character ``i``: whether ``original`` has a line break strictly between the characters
    ``i`` and ``i + 1`` came from (``origin`` maps each normalised character, and the end, to ``original``)."""
    here = np.asarray(origin, dtype=np.int64)
    if "\n" not in original or not len(here):
        return np.zeros(len(here), dtype=np.bool_)
    breaks = np.flatnonzero(np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32) == 10)
    after = np.append(here[1:], len(original))
    return np.searchsorted(breaks, after, side="left") > np.searchsorted(breaks, here, side="right")


def agreeing_max(spans: Sequence[tuple[int, int]], values: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (rows = windows), the highest value two overlapping windows both reach
    (:func:`~qinglang.detectors.classifier.scoring.agreeing_max` states it), in one compiled pass."""
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    out = np.empty(values.shape[1], dtype=np.float64)
    _kernel("agreeing_max")(bounds[:, 0].copy(), bounds[:, 1].copy(), np.ascontiguousarray(values, np.float64), out)
    return out


def warm_up(spec: FeatureSpec, weights: np.ndarray) -> None:
    """Compile (or load from the disk cache) the loops for these argument types, at model load."""
    product(blocks(["预热😀", "ab"], spec), weights, 2)
    text = "预热。" * 200
    window_spans(text, array("i", range(len(text) + 1)), 200, 300, 60)
    agreeing_max(((0, 2), (1, 3)), np.zeros((2, 6)))
