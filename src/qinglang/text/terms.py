"""Multi-pattern term matching over normalised text (Aho-Corasick, character offsets).

Terms written only in ASCII letters and digits (pinyin variants, ``av``-style abbreviations) must stand as
a whole word: a hit inside a longer Latin word or number (``seqing`` in ``xseqingx``) is discarded, unless the matcher is
built with ``whole_words=False``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

_ASCII_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    index: int  # position of the term in the matcher's term list


class TermMatcher:
    """Finds every occurrence (overlapping) of a fixed set of normalised terms.

    The engine is Hyperscan where it is installed (x86-64: several times faster on long texts), else
    ahocorasick-rs; both report the same hits in the same order (character offsets, by end then start).
    """

    def __init__(self, terms: Sequence[str], *, whole_words: bool = True, engine: str = "auto"):
        self.terms = tuple(terms)
        self._ascii = [whole_words and bool(_ASCII_WORD.fullmatch(t)) for t in self.terms]
        self._engine = _build_engine(self.terms, engine) if terms else None

    @property
    def engine(self) -> str:
        return "none" if self._engine is None else self._engine.name

    def find(self, text: str) -> list[TermHit]:
        if self._engine is None:
            return []
        hits = []
        for index, start, end in self._engine.matches(text):
            if self._ascii[index] and not _whole_word(text, start, end):
                continue
            hits.append(TermHit(start, end, index))
        return hits


def _build_engine(terms: tuple[str, ...], engine: str):
    if engine not in ("auto", "hyperscan", "ahocorasick"):
        raise ValueError(f"unknown matcher engine {engine!r}: use auto, hyperscan or ahocorasick")
    if engine in ("auto", "hyperscan"):
        try:
            return _HyperscanEngine(terms)
        except ImportError:
            if engine == "hyperscan":
                raise
    return _AhoCorasickEngine(terms)


class _AhoCorasickEngine:
    name = "ahocorasick-rs"

    def __init__(self, terms: tuple[str, ...]):
        import ahocorasick_rs

        self._ac = ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        return self._ac.find_matches_as_indexes(text, overlapping=True)  # already by end, then start


class _HyperscanEngine:
    """Literal terms compiled into one Hyperscan block-mode database; byte offsets are turned into character
    offsets only for texts that have hits. Scratch space is per thread, as Hyperscan requires."""

    name = "hyperscan"

    def __init__(self, terms: tuple[str, ...]):
        import hyperscan

        self._hs = hyperscan
        self._lengths = [len(t) for t in terms]
        self._db = hyperscan.Database()
        patterns = [re.escape(t).encode("utf-8", "surrogatepass") for t in terms]
        self._db.compile(expressions=patterns, ids=list(range(len(terms))), elements=len(terms),
                         flags=[0] * len(terms))
        self._local = threading.local()

    def _scratch(self):
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        return scratch

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        data = text.encode("utf-8", "surrogatepass")
        ends: list[tuple[int, int]] = []
        self._db.scan(data, match_event_handler=lambda i, _f, to, _fl, _c: ends.append((to, i)),
                      scratch=self._scratch())
        if not ends:
            return []
        if len(data) == len(text):  # ASCII: bytes are characters
            return _ordered([(i, to - self._lengths[i], to) for to, i in ends])
        return _ordered(self._to_chars(data, ends))

    def _to_chars(self, data: bytes, ends: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        out, byte_pos, char_pos = [], 0, 0
        for to, i in sorted(ends):
            char_pos += len(data[byte_pos:to].decode("utf-8", "surrogatepass"))
            byte_pos = to
            out.append((i, char_pos - self._lengths[i], char_pos))
        return out


def _ordered(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    return sorted(matches, key=lambda m: (m[2], m[1]))


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
