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

import unicodedata
from functools import lru_cache

_FIRST_SOUND = 0xE000  # private use area: no character of real text stands for a syllable
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))


def toneless(reading: str) -> str:
    """``lǜ`` -> ``lv``, ``zhǔ`` -> ``zhu``: the reading without its tone, ü written ``v`` as pinyin is typed."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def syllable_table() -> dict[int, int]:
    """Code point of a Chinese character -> code point of its syllable's private-use character."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {cp: toneless(pinyin_dict[cp].split(",")[0]) for lo, hi in _RANGES for cp in range(lo, hi + 1)
                if cp in pinyin_dict}
    ids = {syllable: _FIRST_SOUND + i for i, syllable in enumerate(sorted(set(readings.values())))}
    return {cp: ids[syllable] for cp, syllable in readings.items()}


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
