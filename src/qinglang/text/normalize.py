"""Normalisation for evasion: fold disguised text to one canonical form and keep a map back to the original.

Transforms, in order (each is recorded by name so evidence can explain a hit):

1. ``fold`` — per character: NFKC (full-width, circled digits), lower case, Latin letters without their
   accents (tone-marked pinyin yuēpào -> yuepao, nǚ -> nv), traditional -> simplified, digit and letter homoglyphs (❶ ⑴ ０ -> digits, Cyrillic/Greek look-alikes and 🅐/🅰 letters -> Latin),
   invisible format characters (zero-width, bidi marks, tags, variation selectors) and decorating non-spacing
   marks (strike-through 色̶情, slash overlays, zalgo stacks) deleted.
2. ``strip_noise`` — separators, symbols, emoji and enclosing marks *between two CJK characters* are dropped
   (色*情, 色 情, 色.情, 色😀情, 色⃝情 -> 色情). Sentence punctuation (，。！？；：、 and quotes) is kept as a boundary.
3. ``cn_digits`` — runs of five or more digits written with Chinese numerals (一三八..., 壹贰..., 幺) become
   ASCII digits, so spelled-out phone and QQ numbers look like numbers.
4. ``collapse`` — a run of three or more identical CJK characters keeps two (色色色情 -> 色色情, 啪啪啪 -> 啪啪).

``normalize_text`` applies the same transforms without the offset map and is the fast path.

``EDITION`` numbers what these transforms produce. Anything stored that was derived from normalised text (the
text fingerprints of :mod:`qinglang.similarity` carry it in their ``SCHEME``) is only comparable with text
normalised by the same edition, so **bump it whenever a change here or in** :mod:`qinglang.text.charmap` **changes
the output for some input**: stored fingerprints of the older edition are then recomputed, not trusted
(``tests/unit/test_normalisation_edition.py`` fails until the edition is bumped with its samples).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qinglang.text.charmap import fold, fold_plain, fold_table, special_re

EDITION = 3  # what normalize_text produces; bump on any change of output (see the module docstring)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002fa1f"
_NOISE = (
    r"\s*.·•_\-~|/\\#@^+=`'×✖✕※°"
    "\u2010-\u2015\u2020-\u2027\u2030-\u205e"  # dashes, bullets, dots
    "\u20dd-\u20e4"  # enclosing marks (circle, square, keycap) left by the fold
    "\u2190-\u2bff"  # arrows, math operators, technical, box drawing, shapes, dingbats (❤ ★ ☆)
    "\u3003\u3004\u3006\u3012\u3013\u3030\u30fb"  # CJK symbols (not 々 or the numeral 〇)
    "\U0001f000-\U0001faff"  # emoji and pictographs
)
# A run of noise between two CJK characters. Written noise-first (the look-behind checks the character before the
# run's first noise character), so the regex engine can skip ahead to the next noise character instead of trying
# every position: the same matches as ``(?<=[CJK])[NOISE]+(?=[CJK])``, several times faster on Chinese prose.
_NOISE_RE = re.compile(f"[{_NOISE}](?<=[{_CJK}][{_NOISE}])[{_NOISE}]*(?=[{_CJK}])")
_CN_DIGITS = "零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"
_CN_DIGIT_RUN_RE = re.compile(f"[0-9{_CN_DIGITS}]{{5,}}")
_CN_DIGIT_TABLE = str.maketrans(_CN_DIGITS, "001234567891123456789")
_REPEAT_RE = re.compile(f"([{_CJK}])\\1\\1\\1*")  # as ([CJK])\1{2,}, but quicker to fail where nothing repeats
_ANY_TRIPLE_RE = re.compile(r"(.)\1\1", re.DOTALL)  # cheap pre-check for _REPEAT_RE


TRANSFORM_NOTES: dict[str, str] = {
    "fold": "full-width, traditional, circled or look-alike characters folded",
    "strip_noise": "separators, symbols or emoji between characters removed",
    "cn_digits": "digits written as Chinese numerals",
    "collapse": "repeated characters collapsed",
    "pinyin": "written in pinyin",
    "homophone": "written in other characters of the same sound",
}


def explain(transforms: Sequence[str]) -> str:
    """A reviewer-readable sentence for the transforms that exposed a hit ("" when the text was plain)."""
    return "; ".join(TRANSFORM_NOTES.get(t, t) for t in transforms)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text plus ``origin``: ``origin[i]`` is the index in the ORIGINAL of normalised char ``i``.

    ``len(origin) == len(text) + 1``; the last entry is the length of the original. ``origin`` is a compact
    ``array('i')`` (4 bytes per character), so long chapters stay cheap to keep in the cache.
    """

    text: str
    origin: Sequence[int]
    transforms: frozenset[str] = frozenset()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the ORIGINAL span ``[s, e)``."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the normalised text of length {len(self.text)}")
        if start == end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def _cn_digits(match: re.Match[str]) -> str:
    run = match.group()
    return run if run.isascii() else run.translate(_CN_DIGIT_TABLE)


def normalize_text(text: str) -> str:
    """The normalised form of ``text`` (same as ``normalize(text).text``), without the offset map."""
    out = _NOISE_RE.sub("", fold(text))
    out = _CN_DIGIT_RUN_RE.sub(_cn_digits, out)
    return _REPEAT_RE.sub(r"\1\1", out) if _ANY_TRIPLE_RE.search(out) else out


_IDENTITY = array("i", range(1 << 16))


def _identity(start: int, stop: int) -> array:
    """``array('i', range(start, stop))``, sliced from a cached identity array (a memcpy, not a loop)."""
    global _IDENTITY
    if stop > len(_IDENTITY):
        _IDENTITY = array("i", range(max(stop, 2 * len(_IDENTITY))))
    return _IDENTITY[start:stop]


def _fold_with_origin(text: str) -> tuple[str, array, bool]:
    folded, plain = fold_plain(text)
    if plain:  # one character to one: offsets unchanged
        return folded, _identity(0, len(text) + 1), folded != text
    table = fold_table()
    origin = array("i")
    prev = 0
    for m in special_re().finditer(text):
        i = m.start()
        width = len(table.get(ord(m.group()), m.group()))
        if width != 1:
            origin += _identity(prev, i)
            origin.extend([i] * width)
            prev = i + 1
    origin += _identity(prev, len(text) + 1)
    return folded, origin, folded != text


def _delete_spans(text: str, origin: array, spans: list[tuple[int, int]]) -> tuple[str, array]:
    pieces: list[str] = []
    new_origin = array("i")
    prev = 0
    for s, e in spans:
        pieces.append(text[prev:s])
        new_origin += origin[prev:s]
        prev = e
    pieces.append(text[prev:])
    new_origin += origin[prev:]
    return "".join(pieces), new_origin


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` and keep the map from every normalised character back to the original."""
    transforms: set[str] = set()
    out, origin, changed = _fold_with_origin(text)
    if changed:
        transforms.add("fold")
    spans = [m.span() for m in _NOISE_RE.finditer(out)]
    if spans:
        transforms.add("strip_noise")
        out, origin = _delete_spans(out, origin, spans)
    digits = _CN_DIGIT_RUN_RE.sub(_cn_digits, out)
    if digits != out:
        transforms.add("cn_digits")
        out = digits
    spans = [(m.start() + 2, m.end()) for m in _REPEAT_RE.finditer(out)] if _ANY_TRIPLE_RE.search(out) else []
    if spans:
        transforms.add("collapse")
        out, origin = _delete_spans(out, origin, spans)
    return NormalizedText(out, origin, frozenset(transforms))


@lru_cache(maxsize=16)
def normalize_cached(text: str) -> NormalizedText:
    """``normalize`` with a small cache, so detectors scanning the same field share one normalisation."""
    return normalize(text)


def normalize_text_cached(text: str) -> str:
    """``normalize_text`` through the shared cache of :func:`normalize_cached`: building the offset map costs
    little beside the normalisation itself, so each field is normalised once per item, whoever asks first."""
    return normalize_cached(text).text


@lru_cache(maxsize=4096)
def transforms_of(text: str) -> tuple[str, ...]:
    """The sorted names of the transforms that change ``text`` (a short span: a hit, a handle), cached."""
    return tuple(sorted(normalize(text).transforms))
