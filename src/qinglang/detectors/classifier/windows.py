"""Split long text into overlapping sentence-aligned windows, with offsets into the ORIGINAL text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qinglang.detectors.classifier import kernel
from qinglang.detectors.classifier.features import fold_digits, prepare
from qinglang.text.normalize import normalize_cached

SIZE, MAX_SIZE, SHORT = 200, 300, 60  # paragraph window, longest text scored whole, sentence window (characters)
SENTENCE_ENDS, CLOSING_QUOTES = "。！？!?；;…\n", "”」』\"'"
_SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]+[{CLOSING_QUOTES}]?")


def sentence_spans(text: str, line_ends: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, including its closing punctuation; whitespace-only pieces dropped.

    ``line_ends[i]`` true also ends a sentence after character ``i``: where the normaliser removed a line break
    between two CJK characters (a split-character defence), the original paragraph still ends there.
    """
    ends = _with_line_ends(text, line_ends) if any(line_ends) else [m.end() for m in _SENTENCE_END.finditer(text)]
    spans, start = [], 0
    for end in ends:
        spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _with_line_ends(text: str, line_ends: Sequence[bool]) -> list[int]:
    """Sentence ends as ``_SENTENCE_END`` finds them, with a line end counted as a sentence-end character."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] not in SENTENCE_ENDS and not line_ends[i]:
            i += 1
            continue
        end = i + 1
        while end < n and text[end] in SENTENCE_ENDS:
            end += 1
        if end < n and text[end] in CLOSING_QUOTES:
            end += 1
        out.append(end)
        i = end
    return out


def _hard_split(start: int, end: int, size: int, stride: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while True:
        out.append((pos, min(pos + size, end)))
        if pos + size >= end:
            return out
        pos += stride


def _pack(pieces: list[tuple[int, int]], size: int, *, overlap: bool,
          stops: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Greedily join consecutive pieces up to ``size`` characters; with ``overlap`` neighbours share a piece.
    A piece ending at an offset in ``stops`` (a paragraph's end) is never joined to the next."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= size and pieces[j][1] not in stops:
            j += 1
        out.append((pieces[i][0], pieces[j][1]))
        if j + 1 >= len(pieces):
            break
        i = j if overlap and j > i else j + 1
    return out


def windows(text: str, *, size: int = SIZE, max_size: int = MAX_SIZE, short: int = SHORT,
            line_ends: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """Windows of a text, at two scales, as ``(start, end)`` offsets into ``text``.

    A text up to ``max_size`` characters is one window. A longer text gets paragraph windows of about ``size``
    characters packed from whole sentences (consecutive windows share one sentence) plus sentence windows of up
    to ``short`` characters, so one vulgar sentence inside clean prose is scored on its own. A sentence window
    never runs past the end of a paragraph (a line break, or ``line_ends``: see :func:`sentence_spans`), so a
    short post pasted in as a paragraph of its own is scored without its neighbours. A sentence longer than
    ``max_size`` is cut into ``size``-character pieces with 25% overlap.
    """
    if len(text) <= max_size:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, line_ends):
        pieces.extend(_hard_split(s, e, size, size * 3 // 4) if e - s > max_size else [(s, e)])
    wide = _pack(pieces, size, overlap=True)
    seen = set(wide)
    stops = frozenset(e for _, e in pieces if text[e - 1] == "\n" or (len(line_ends) and line_ends[e - 1]))
    return wide + [w for w in _pack(pieces, short, overlap=False, stops=stops) if w not in seen]


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """A long text's windows: ``prepared`` is the normalised, digit-folded text they are cut from, ``spans`` their
    offsets in it and ``original`` their offsets in the ORIGINAL text (for evidence)."""

    prepared: str
    spans: tuple[tuple[int, int], ...]
    original: tuple[tuple[int, int], ...]


def window_plan(text: str, *, size: int = SIZE, max_size: int = MAX_SIZE, short: int = SHORT) -> WindowPlan | None:
    """The windows of a text longer than ``max_size`` (None for a text scored whole).

    A long text is normalised once (through the cache the other detectors share) and its windows are cut from the
    normalised string, so overlapping windows do not normalise the same characters again. The windows are
    :func:`windows`' own, found by a compiled loop (:func:`~qinglang.detectors.classifier.kernel.window_spans`),
    with the original text's line breaks as paragraph ends (``line_ends``).
    """
    if len(text) <= max_size:
        return None
    norm = normalize_cached(text)
    if len(norm.text) <= max_size:  # what windows() gives a short text
        return WindowPlan(fold_digits(norm.text), ((0, len(norm.text)),), (norm.original_span(0, len(norm.text)),))
    rows = kernel.window_spans(norm.text, norm.origin, size, max_size, short, text)  # windows(), compiled
    spans = tuple((s, e) for s, e, _, _ in rows)
    return WindowPlan(fold_digits(norm.text), spans, tuple((a, b) for _, _, a, b in rows))


def prepared_windows(
    text: str, *, size: int = SIZE, max_size: int = MAX_SIZE, short: int = SHORT
) -> list[tuple[int, int, str, str]]:
    """``(start, end, prepared, raw)`` for each window of ``text``: offsets into the ORIGINAL text, the window's
    string as the model sees it (:func:`~qinglang.detectors.classifier.features.prepare` output) and the string
    its symbol view reads (the text itself when it is scored whole, else the prepared window).

    Long texts are cut by :func:`window_plan`; training windows long texts with this same function.
    """
    plan = window_plan(text, size=size, max_size=max_size, short=short)
    if plan is None:
        return [(0, len(text), prepare(text), text)]
    prepared = plan.prepared
    return [(a, b, w, w) for (s, e), (a, b) in zip(plan.spans, plan.original, strict=True) for w in (prepared[s:e],)]
