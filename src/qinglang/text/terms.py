"""Multi-pattern term matching over normalised text (Aho-Corasick, character offsets).

Terms written only in ASCII letters and digits (pinyin variants, ``av``-style abbreviations) must stand as
a whole word: a hit inside a longer Latin word or number (``seqing`` in ``xseqingx``) is discarded, unless the matcher is
built with ``whole_words=False``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_ASCII_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    index: int  # position of the term in the matcher's term list


class TermMatcher:
    """Finds every occurrence (overlapping) of a fixed set of normalised terms."""

    def __init__(self, terms: Sequence[str], *, whole_words: bool = True):
        import ahocorasick_rs

        self.terms = tuple(terms)
        self._ascii = [whole_words and bool(_ASCII_WORD.fullmatch(t)) for t in self.terms]
        self._ac = ahocorasick_rs.AhoCorasick(self.terms, matchkind=ahocorasick_rs.MATCHKIND_STANDARD) if terms else None

    def find(self, text: str) -> list[TermHit]:
        if self._ac is None:
            return []
        hits = []
        for index, start, end in self._ac.find_matches_as_indexes(text, overlapping=True):
            if self._ascii[index] and not _whole_word(text, start, end):
                continue
            hits.append(TermHit(start, end, index))
        return hits


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_is_alnum_ascii(before) or _is_alnum_ascii(after))


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def drop_allowed(hits: list[TermHit], allowed: list[TermHit]) -> list[TermHit]:
    """Drop every hit that lies inside an allowlisted match (性感 inside 性感染, 强奸 inside 强奸罪)."""
    if not allowed:
        return hits
    return [h for h in hits if not any(a.start <= h.start and h.end <= a.end for a in allowed)]
