"""Homophones: text read as its sounds, so a term spelled with other characters of the same reading is found.

Evasion swaps a character for one that sounds the same: 注册送 becomes 主册宋, 抄小说 becomes 超小说, 你个垃圾 becomes
你个辣鸡. :func:`sounds` replaces every Chinese character with one private-use character that stands for its
toneless pinyin syllable and leaves every other character alone. The result has the text's length, so an offset
in it is an offset in the text, and two strings have the same sounds exactly when they read the same.

A character's syllable is its commonest reading in pypinyin's dictionary (乐 is ``le``, not ``yue``), the same for
the term and for the text, so a polyphonic character matches itself whichever reading the writer meant. Tones are
dropped because evasion ignores them (主 zhǔ for 注 zhù). Apply :func:`sounds` to *normalised* text: traditional
characters have already become simplified ones there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_FIRST_SOUND = 0xE000  # private use area: no character of real text stands for a syllable
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))


def toneless(reading: str) -> str:
    """``lǜ`` -> ``lv``, ``zhǔ`` -> ``zhu``: the reading without its tone, ü written ``v`` as pinyin is typed."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _readings() -> dict[int, str]:
    """Code point of a Chinese character -> its toneless syllable (its commonest reading in pypinyin)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return {cp: toneless(pinyin_dict[cp].split(",")[0]) for lo, hi in _RANGES for cp in range(lo, hi + 1)
            if cp in pinyin_dict}


@lru_cache(maxsize=1)
def _sound_ids() -> dict[str, int]:
    """Toneless syllable -> code point of the private-use character that stands for it."""
    return {syllable: _FIRST_SOUND + i for i, syllable in enumerate(sorted(set(_readings().values())))}


@lru_cache(maxsize=1)
def syllable_table() -> dict[int, int]:
    """Code point of a Chinese character -> code point of its syllable's private-use character."""
    ids = _sound_ids()
    return {cp: ids[syllable] for cp, syllable in _readings().items()}


_VECTOR_MIN_LEN = 64  # below this, str.translate is quicker than the vectorised lookup


@lru_cache(maxsize=1)
def _lookup() -> list[int]:
    """:func:`syllable_table` as a list indexed by code point (``str.translate`` looks a list up faster than a
    dict); code points past its end raise IndexError, which translate reads as "unchanged"."""
    table = syllable_table()
    return [table.get(cp, cp) for cp in range(max(table) + 1)]


@lru_cache(maxsize=1)
def _unit_table():
    """The same lookup as a numpy array over UTF-16 code units (surrogates map to themselves)."""
    import numpy

    units = numpy.arange(0x10000, dtype=numpy.uint16)
    for cp, sound in syllable_table().items():
        units[cp] = sound
    return units


def sounds(text: str) -> str:
    """``text`` with every Chinese character replaced by its syllable's private-use character (same length).

    A long text is looked up in one numpy call over its UTF-16 code units, a short one (or one holding a lone
    surrogate, which UTF-16 cannot encode) through ``str.translate``; both give the same result."""
    if len(text) >= _VECTOR_MIN_LEN:
        import numpy

        try:
            units = numpy.frombuffer(text.encode("utf-16-le"), dtype=numpy.uint16)
        except UnicodeEncodeError:
            pass
        else:
            return _unit_table().take(units).tobytes().decode("utf-16-le")
    return text.translate(_lookup())


# --- pinyin written in Latin letters -------------------------------------------------------------------------------

_LETTERS = re.compile(r"[a-z]+")
_SEPARATORS = frozenset(" \t-_.·'")
_LONGEST_SYLLABLE = 6  # zhuang, chuang, shuang
_LONGEST_WORD = 64  # a longer letter run (a hash, base64) is not read as pinyin, nor kept in the cut cache


@dataclass(frozen=True, slots=True)
class Spelled:
    """Normalised text read as sounds, with pinyin written in Latin letters read as the syllables it spells.

    ``text[i]`` is one sound (or an unchanged character); it was written as ``source[starts[i]:ends[i]]``. A
    separator between a spelled syllable and another sound (the space of ``yue pao``) is read as nothing."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    latin: frozenset[int]  # view positions that were spelled in Latin letters

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source that view span ``[start, end)`` was read from."""
        return self.starts[start], self.ends[end - 1]

    def has_latin(self, start: int, end: int) -> bool:
        return any(i in self.latin for i in range(start, end))


@lru_cache(maxsize=1)
def _syllable_ids() -> dict[str, int]:
    """:func:`_sound_ids` of the syllables that can be spelled: those with a vowel (the interjections m, n, ng,
    hm would read any consonant as a sound)."""
    return {s: i for s, i in _sound_ids().items() if any(v in s for v in "aeiouv")}


@lru_cache(maxsize=65536)  # words repeat: English words, handles, the same pinyin
def syllables(word: str) -> tuple[str, ...] | None:
    """``word`` cut into pinyin syllables (the cut with fewest syllables, the longer first syllable on a tie), or
    None when it is not pinyin: ``yuepao`` -> ``(yue, pao)``, ``xian`` -> ``(xian,)``, ``hello`` -> None."""
    known = _syllable_ids()
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[len(word)] = []
    for i in range(len(word) - 1, -1, -1):
        for j in range(min(len(word), i + _LONGEST_SYLLABLE), i, -1):
            rest = best[j]
            if rest is not None and word[i:j] in known and (best[i] is None or len(rest) + 1 < len(best[i])):
                best[i] = [word[i:j], *rest]
    return None if best[0] is None else tuple(best[0])


def spelled(text: str, reach: int | None = None) -> Spelled | None:
    """``text`` (normalised) read as :func:`sounds`, with every run of Latin letters that is pinyin read as the
    syllables it spells (``du博`` sounds like 赌博, ``yue pao`` and ``y-u-e-p-a-o`` like 约炮); None when the text
    holds no such run, so :func:`sounds` alone reads it.

    With ``reach``, the view holds only the characters within ``reach`` of a spelled run, each stretch ended by a
    line break (which no term holds): a term with a spelled syllable is found there as in the whole view, and a
    long article with one English word is not read whole a second time."""
    if not _LETTERS.search(text):
        return None
    read = {}
    for start, positions in _latin_runs(text):
        if len(positions) > _LONGEST_WORD:
            continue
        cut = syllables("".join(text[p] for p in positions))
        if cut:
            read[start] = (positions, cut)
    if not read:
        return None
    ids = _syllable_ids()
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    latin: set[int] = set()
    for lo, hi, runs in _stretches(read, len(text), reach):
        if parts:
            parts.append("\n")
            starts.append(ends[-1] - 1)
            ends.append(ends[-1])
        done = lo  # text before this index is read
        for start in runs:
            positions, cut = read[start]
            parts.append(sounds(text[done:start]))
            starts.extend(range(done, start))
            ends.extend(range(done + 1, start + 1))
            k = 0
            for syllable in cut:
                latin.add(len(starts))
                parts.append(chr(ids[syllable]))
                starts.append(positions[k])
                k += len(syllable)
                ends.append(positions[k - 1] + 1)
            done = positions[-1] + 1
        parts.append(sounds(text[done:hi]))
        starts.extend(range(done, hi))
        ends.extend(range(done + 1, hi + 1))
    return _drop_separators(Spelled("".join(parts), tuple(starts), tuple(ends), frozenset(latin)))


def _stretches(read: dict, length: int, reach: int | None) -> list[tuple[int, int, list[int]]]:
    """(lo, hi, run starts) of the stretches of text to read: the whole text, or every spelled run with ``reach``
    characters on each side, overlapping stretches merged."""
    order = sorted(read)
    if reach is None:
        return [(0, length, order)]
    out: list[tuple[int, int, list[int]]] = []
    for start in order:
        lo, hi = max(0, start - reach), min(length, read[start][0][-1] + 1 + reach)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(hi, out[-1][1]), [*out[-1][2], start])
        else:
            out.append((lo, hi, [start]))
    return out


def _latin_runs(text: str) -> list[tuple[int, list[int]]]:
    """(start, letter positions) of every letter run: a word, or three or more single letters split by one
    repeated separator (``y-u-e``, ``y u e``)."""
    words = [(m.start(), m.end()) for m in _LETTERS.finditer(text)]
    runs: list[tuple[int, list[int]]] = []
    i = 0
    while i < len(words):
        start, end = words[i]
        j = i
        if end - start == 1 and end < len(text) and text[end] in _SEPARATORS:
            sep = text[end]
            while (j + 1 < len(words) and words[j + 1][1] - words[j + 1][0] == 1
                   and words[j + 1][0] == words[j][1] + 1 and text[words[j][1]] == sep):
                j += 1
        if j - i >= 2:
            runs.append((start, [w[0] for w in words[i:j + 1]]))
        else:
            j = i
            runs.append((start, list(range(start, end))))
        i = j + 1
    return runs


def _drop_separators(view: Spelled) -> Spelled:
    """Read a run of separators as nothing when a spelled syllable stands on one side of it and a sound on the
    other (``yue pao``, ``加 weixin``). Only the neighbours of spelled syllables are looked at."""
    text, n = view.text, len(view.text)
    drop: set[int] = set()
    for i in view.latin:
        for step in (1, -1):
            j = i + step
            while 0 <= j < n and text[j] in _SEPARATORS:
                j += step
            if j != i + step and 0 <= j < n and _is_sound(text[j]):
                drop.update(range(min(i, j) + 1, max(i, j)))
    if not drop:
        return view
    keep = [i for i in range(n) if i not in drop]
    index = {old: new for new, old in enumerate(keep)}
    return Spelled("".join(text[i] for i in keep), tuple(view.starts[i] for i in keep),
                   tuple(view.ends[i] for i in keep), frozenset(index[i] for i in view.latin))


def _is_sound(ch: str) -> bool:
    return _FIRST_SOUND <= ord(ch) < _FIRST_SOUND + 0x1000
