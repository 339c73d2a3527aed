"""Text fingerprints that survive edition differences, and how alike two fingerprints are.

A fingerprint is built in three steps (each is a function here, so a test or a reviewer can look at any stage):

1. ``fingerprint_text`` — the evasion normalisation of :mod:`qinglang.text` (full-width folding,
   traditional and variant characters to simplified through OpenCC, homoglyphs, noise between characters),
   then every character that is not a letter or digit is dropped. Two editions of a chapter differ mostly in
   punctuation, line breaks, spacing and character forms (裏/裡/里, 為/为, 綫/線/线); after this step those
   differences are gone and only the wording is left.
2. ``shingles`` — every run of ``SHINGLE`` consecutive characters (overlapping). Chinese has no spaces to cut
   words on; character shingles need no segmenter and one changed character only touches ``SHINGLE`` of them.
3. ``fingerprint`` — the set of shingle hashes (for exact scores) and one MinHash per *window* of
   ``WINDOW`` shingles, every ``STRIDE`` shingles (for the LSH index to find candidates). Windows are what let
   a 1,500-character excerpt find the 7,000-character chapter it was cut from: the excerpt's windows overlap
   the chapter's windows by three quarters or more, while its MinHash over the whole chapter would not (a
   MinHash estimates Jaccard, and an excerpt's Jaccard with its chapter is only its share of the chapter).

``resemblance`` compares two fingerprints exactly from their hash sets: ``similarity`` is the Jaccard index
(shared shingles over all shingles: a lightly edited copy scores high), ``containment`` is the shared
shingles over the *smaller* text's shingles (an excerpt, a teaser or a chapter with an added preface scores
near 1 against its source, whichever side is the query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qinglang.text import EDITION as NORMALISATION_EDITION
from qinglang.text import normalize_text

SHINGLE = 5  # characters per shingle
WINDOW = 128  # shingles per window MinHash
STRIDE = 64  # a new window every STRIDE shingles: any span of WINDOW shingles overlaps one by >= 3/4
NUM_PERM = 96  # MinHash permutations per window
SEED = 20_261_202  # fixed: fingerprints are only comparable when built with the same seed
# Everything a fingerprint depends on. The normalisation's edition is part of it: the shingles are cut from
# normalised text, so a fingerprint of another edition describes other shingles and is recomputed, not trusted.
SCHEME = f"rensa-rminhash/k{SHINGLE}/w{WINDOW}/s{STRIDE}/p{NUM_PERM}/seed{SEED}/norm{NORMALISATION_EDITION}"

_NOT_WORDING = re.compile(r"[\W_]+")  # punctuation, symbols, whitespace, emoji: not part of the wording


def fingerprint_text(text: str) -> str:
    """The wording of ``text`` only: normalised (see :mod:`qinglang.text.normalize`), letters and digits kept.

    >>> fingerprint_text("「裏面」，為何？ 綫 ")
    '里面为何线'
    """
    return _NOT_WORDING.sub("", normalize_text(text))


def shingles(wording: str, size: int = SHINGLE) -> list[str]:
    """Overlapping runs of ``size`` characters, in text order; a text shorter than ``size`` is one shingle.

    >>> shingles("abcdef", 4)
    ['abcd', 'bcde', 'cdef']
    """
    if len(wording) <= size:
        return [wording] if wording else []
    return [wording[i : i + size] for i in range(len(wording) - size + 1)]


def windows(tokens: list[str]) -> list[list[str]]:
    """Runs of ``WINDOW`` tokens starting every ``STRIDE`` tokens; the last window ends at the last token."""
    if len(tokens) <= WINDOW:
        return [tokens] if tokens else []
    starts = list(range(0, len(tokens) - WINDOW + 1, STRIDE))
    if starts[-1] + WINDOW < len(tokens):
        starts.append(len(tokens) - WINDOW)
    return [tokens[s : s + WINDOW] for s in starts]


@dataclass(frozen=True, eq=False)
class TextFingerprint:
    """What the index keeps of one text: its distinct shingle hashes (sorted ``uint64``) and window MinHashes.

    ``size`` is the number of distinct shingles; an empty text has size 0 and no windows and matches nothing.
    """

    hashes: np.ndarray
    windows: tuple  # rensa.RMinHash, one per window
    scheme: str = SCHEME

    @property
    def size(self) -> int:
        return int(self.hashes.size)


@dataclass(frozen=True, slots=True)
class Resemblance:
    """How alike two texts are. ``similarity``: Jaccard of their shingle sets. ``containment``: the share of
    the smaller text's shingles that the other text has too. Both are in 0..1."""

    similarity: float
    containment: float
    shared: int
    smaller: int


@lru_cache(maxsize=1)
def _rensa():
    import rensa

    return rensa


def fingerprint(text: str) -> TextFingerprint:
    """The fingerprint of ``text`` (see the module docstring for the steps)."""
    tokens = shingles(fingerprint_text(text))
    if not tokens:
        return TextFingerprint(np.zeros(0, dtype=np.uint64), ())
    rensa = _rensa()
    hashes = np.unique(np.asarray(rensa.RMinHash.hash_token_sets([tokens])[0], dtype=np.uint64))
    minhashes = rensa.RMinHash.from_token_sets(windows(tokens), NUM_PERM, SEED)
    return TextFingerprint(hashes, tuple(minhashes))


def resemblance(a: TextFingerprint, b: TextFingerprint) -> Resemblance:
    """Exact similarity and containment of two fingerprints, from their shingle hash sets."""
    if a.size == 0 or b.size == 0:
        return Resemblance(0.0, 0.0, 0, min(a.size, b.size))
    shared = int(np.intersect1d(a.hashes, b.hashes, assume_unique=True).size)
    smaller = min(a.size, b.size)
    union = a.size + b.size - shared
    return Resemblance(round(shared / union, 4), round(shared / smaller, 4), shared, smaller)
