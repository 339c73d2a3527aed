"""The classifier's compiled loops (numba): the n-gram block, the symbol block and the weights product.

:mod:`~qinglang.detectors.classifier.kernel` calls them and documents what they compute; this module is imported
only when a model is scored, so commands that never score do not import numba. Each function is compiled on first
use and cached on disk (numba's ``cache=True``: ``__pycache__`` beside this file, else the user's cache folder);
where no cache folder is writable it is compiled in memory, once per process.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from qinglang.detectors.classifier.features import SYMBOL_SALT

_BOS, _EOS = 0x02, 0x03
_CJK_BASE = 0x4E00
_PINYIN_SALT = 16


def jit(fn):
    """``fn`` compiled without the GIL, cached on disk where numba finds a writable place."""
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba: "cannot cache function ... no locator available"
        return njit(nogil=True)(fn)


@jit
def scale_row(values, first, out, squares, weight):
    """Scale ``values[first:out]``, whose squares sum to ``squares``, to L2 norm ``weight`` (an empty row stays)."""
    norm = np.sqrt(squares) / weight
    if norm == 0:
        norm = 1.0
    for j in range(first, out):
        values[j] = values[j] / norm


@jit
def ngram_block(codes, offsets, pinyin, bits, max_order, pinyin_order, drop_marks, table):
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
    runs = np.empty(total, dtype=np.int64)
    chars = np.empty(longest, dtype=np.uint64)
    sounds = np.empty(longest, dtype=np.uint64)
    h = np.empty(longest, dtype=np.uint64)
    found = np.empty(longest * orders, dtype=np.int64)
    spare = np.empty(longest * orders, dtype=np.int64)
    histogram = np.empty(1 << ((bits + 1) // 2), dtype=np.int64)
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
        sort_buckets(found, spare, k, bits, histogram)
        first, last, previous, run = out, out - 1, -1, 0
        for i in range(k):  # runs of equal buckets, without branches: a new bucket moves ``last`` on
            bucket = found[i]
            new = np.int64(bucket != previous)
            last += new
            run = run * (1 - new) + 1
            cols[last], runs[last] = bucket, run
            previous = bucket
        out = last + 1
        squares = 0.0
        for j in range(first, out):
            v = table[runs[j]]
            rows[j], values[j] = t, v
            squares += v * v
        scale_row(values, first, out, squares, 1.0)
    return rows[:out], cols[:out], values[:out]


@jit
def sort_buckets(found, spare, k, bits, histogram):
    """Sort ``found[:k]`` (values below ``2**bits``) in place: a least-significant-digit radix sort, the low half
    of the bits, then the high half (through ``spare``; ``histogram`` holds ``2 ** ceil(bits / 2)`` counts)."""
    low_bits = (bits + 1) // 2
    radix = 1 << low_bits
    for p in range(2):
        digit, source, target = (0, found, spare) if p == 0 else (low_bits, spare, found)
        histogram[:radix] = 0
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


@jit
def symbol_block(codes, offsets, docs, lows, highs, bits, weight, table):
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
        scale_row(values, first, out, squares, weight)
    return rows[:out], cols[:out], values[:out]


@jit
def texts_with_symbols(codes, offsets, lows, highs):
    """The indices of the texts ``codes[offsets[i]:offsets[i + 1]]`` that hold a code point in one of the ranges
    ``[lows[r], highs[r]]``."""
    found = np.empty(len(offsets) - 1, dtype=np.int64)
    count = 0
    for t in range(len(offsets) - 1):
        for i in range(offsets[t], offsets[t + 1]):
            c = np.uint64(codes[i])
            hit = False
            for r in range(len(lows)):
                hit = hit or (lows[r] <= c <= highs[r])
            if hit:
                found[count] = t
                count += 1
                break
    return found[:count]


@jit
def accumulate(rows, cols, values, weights, out):
    """``out[rows[j]] += float32(values[j]) * weights[cols[j]]`` for each j in order (rows sorted).

    A first pass only reads each entry's weight row: those loads do not wait on each other, so the processor
    fetches many rows of the (megabytes large, mostly uncached) weights at once, and the pass that sums finds
    them in cache. With six classes (the shipped taxonomy) a row's six sums are kept in registers while the row
    lasts; any other count takes the plain loop. Every sum gets the same terms in the same order either way."""
    last = weights.shape[1] - 1
    first_half, second_half = np.float32(0.0), np.float32(0.0)  # two sums: shorter chains of additions
    for j in range(len(cols)):
        first_half += weights[cols[j], 0]
        second_half += weights[cols[j], last]  # a row can end on the next cache line
    if weights.shape[1] != 6:
        for j in range(len(rows)):
            a = np.float32(values[j])
            r, c = rows[j], cols[j]
            for m in range(weights.shape[1]):
                out[r, m] += a * weights[c, m]
        return first_half + second_half
    j, n = 0, len(rows)
    while j < n:
        r = rows[j]
        s0, s1, s2, s3, s4, s5 = out[r, 0], out[r, 1], out[r, 2], out[r, 3], out[r, 4], out[r, 5]
        while j < n and rows[j] == r:
            a, c = np.float32(values[j]), cols[j]
            s0 += a * weights[c, 0]
            s1 += a * weights[c, 1]
            s2 += a * weights[c, 2]
            s3 += a * weights[c, 3]
            s4 += a * weights[c, 4]
            s5 += a * weights[c, 5]
            j += 1
        out[r, 0], out[r, 1], out[r, 2], out[r, 3], out[r, 4], out[r, 5] = s0, s1, s2, s3, s4, s5
    return first_half + second_half


_END, _QUOTE, _SPACE = 1, 2, 4  # character classes of window_spans (see kernel.character_classes)


@jit
def _class(codes, classes, i):
    c = codes[i]
    return classes[c] if c < len(classes) else 0


@jit
def _add_sentence(codes, classes, start, end, size, max_size, pieces, count):
    """sentence_spans' filter (whitespace-only sentences dropped) and windows' _hard_split of a long sentence:
    the pieces of sentence ``[start, end)`` appended to ``pieces[count:]``; returns the new count."""
    blank = True
    for p in range(start, end):
        if not _class(codes, classes, p) & _SPACE:
            blank = False
            break
    if blank:
        return count
    if end - start <= max_size:
        pieces[count, 0], pieces[count, 1] = start, end
        return count + 1
    pos = start
    while True:  # size-character pieces with 25% overlap
        pieces[count, 0], pieces[count, 1] = pos, min(pos + size, end)
        count += 1
        if pos + size >= end:
            return count
        pos += size * 3 // 4


@jit
def window_spans(codes, classes, size, max_size, short, origin, line_end):
    """``windows(text)`` of a text longer than ``max_size``, as rows ``(start, end, original start, original
    end)``: ``codes`` are the text's code points, ``classes`` a class per BMP code point, ``origin`` the
    normaliser's map back to the original text."""
    n = len(codes)
    pieces = np.empty((n + 1, 2), dtype=np.int64)
    count, start, i = 0, 0, 0
    while i < n:  # sentence_spans: a run of sentence ends, then an optional closing quote, ends a sentence
        if not _class(codes, classes, i) & _END and not line_end[i]:
            i += 1
            continue
        end = i + 1
        while end < n and _class(codes, classes, end) & _END:
            end += 1
        if end < n and _class(codes, classes, end) & _QUOTE:
            end += 1
        count = _add_sentence(codes, classes, start, end, size, max_size, pieces, count)
        start = i = end
    if start < n:
        count = _add_sentence(codes, classes, start, n, size, max_size, pieces, count)
    out = np.empty((2 * count + 2, 4), dtype=np.int64)
    m = 0
    for overlap in (True, False):  # _pack: wide windows sharing a sentence, then short ones not already there
        limit = size if overlap else short
        wide, i = m, 0
        while i < count:
            j = i
            while j + 1 < count and pieces[j + 1, 1] - pieces[i, 0] <= limit and (
                    overlap or not (codes[pieces[j, 1] - 1] == 10 or line_end[pieces[j, 1] - 1])):
                j += 1
            s, e = pieces[i, 0], pieces[j, 1]
            seen = False
            for w in range(wide if not overlap else 0):
                seen = seen or (out[w, 0] == s and out[w, 1] == e)
            if not seen:
                out[m, 0], out[m, 1], out[m, 2], out[m, 3] = s, e, origin[s], origin[e - 1] + 1
                m += 1
            if j + 1 >= count:
                break
            i = j if overlap and j > i else j + 1
    return out[:m]


@jit
def agreeing_max(starts, ends, values, out):
    """``out[c]`` = the highest ``min(values[i, c], values[j, c])`` over the windows ``i != j`` that share a
    character (``[starts, ends)`` spans), a window that overlaps none paired with itself
    (:func:`~qinglang.detectors.classifier.scoring.agreeing_max`). Windows sorted by start: the partners of a
    window are the ones after it that start before it ends."""
    n, k = values.shape
    order = np.argsort(starts)
    alone = np.ones(n, dtype=np.bool_)
    for c in range(k):
        out[c] = -np.inf
    for a in range(n):
        i = order[a]
        b = a + 1
        while b < n and starts[order[b]] < ends[i]:
            j = order[b]
            alone[i] = False
            alone[j] = False
            for c in range(k):
                v = min(values[i, c], values[j, c])
                if v > out[c]:
                    out[c] = v
            b += 1
    for i in range(n):
        if alone[i]:
            for c in range(k):
                if values[i, c] > out[c]:
                    out[c] = values[i, c]
