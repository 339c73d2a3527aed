"""A near-duplicate index over text fingerprints: rensa's MinHash LSH finds candidates, exact scores decide.

Two stages, as in every large-scale near-duplicate system:

1. **Candidates.** Every window MinHash of every indexed text goes into one ``rensa.RMinHashLSH``
   (``BANDS`` bands of ``NUM_PERM / BANDS`` rows). Two windows land in a common bucket with high probability
   when their Jaccard is above ~0.5 and almost never when it is below ~0.1, so a query only meets the texts
   it shares a passage with, not the whole corpus.
2. **Scores.** Each candidate is scored exactly (:func:`~qinglang.similarity.fingerprints.resemblance`) and
   kept when the :class:`NearDuplicateRule` calls it a near-duplicate.

The index is in memory and built from fingerprints (from texts, or decoded from storage); it holds no texts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from qinglang.similarity.fingerprints import NUM_PERM, SCHEME, Resemblance, TextFingerprint, resemblance

BANDS = 32  # rows per band = NUM_PERM / BANDS = 3


@dataclass(frozen=True, slots=True)
class NearDuplicateRule:
    """When two texts are near-duplicates: ``similarity >= similarity`` (an edited copy), or
    ``containment >= containment`` (an excerpt, a teaser, a copy with a preface added) provided the smaller
    text has at least ``min_shingles`` distinct shingles (a ten-character line is contained in many chapters
    by chance). The defaults were picked on the TUNE half of the pairs in ``scripts/eval_similarity.py``; see
    docs/evaluation.md, "Near-duplicates"."""

    similarity: float = 0.2
    containment: float = 0.3
    min_shingles: int = 40

    def holds(self, r: Resemblance) -> bool:
        if r.similarity >= self.similarity:
            return True
        return r.smaller >= self.min_shingles and r.containment >= self.containment


DEFAULT_RULE = NearDuplicateRule()


@dataclass(frozen=True, slots=True)
class Match:
    """One near-duplicate found: the indexed key and how alike it is to the query."""

    key: Hashable
    similarity: float
    containment: float

    def to_dict(self) -> dict:
        return {"id": self.key, "similarity": self.similarity, "containment": self.containment}


class TextIndex:
    """Fingerprints under keys, searchable for near-duplicates. Not thread-safe while being added to."""

    def __init__(self, rule: NearDuplicateRule = DEFAULT_RULE) -> None:
        import rensa

        self.rule = rule
        self._lsh = rensa.RMinHashLSH(0.5, NUM_PERM, BANDS)
        self._keys: list[Hashable] = []
        self._prints: list[TextFingerprint] = []
        self._window_owner: list[int] = []  # LSH key (window serial) -> position in _keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Hashable, fp: TextFingerprint) -> None:
        """Index ``fp`` under ``key``. A text with no wording (empty fingerprint) is kept but never matches."""
        if fp.scheme != SCHEME:
            raise ValueError(f"fingerprint scheme {fp.scheme!r} is not this index's {SCHEME!r}; rebuild it")
        position = len(self._keys)
        self._keys.append(key)
        self._prints.append(fp)
        for window in fp.windows:
            self._lsh.insert(len(self._window_owner), window)
            self._window_owner.append(position)

    def add_all(self, items: Iterable[tuple[Hashable, TextFingerprint]]) -> None:
        for key, fp in items:
            self.add(key, fp)

    def candidates(self, fp: TextFingerprint) -> set[int]:
        """Positions of indexed texts sharing at least one LSH bucket with one of ``fp``'s windows."""
        found: set[int] = set()
        for window in fp.windows:
            found.update(self._window_owner[w] for w in self._lsh.query(window))
        return found

    def search(self, fp: TextFingerprint, rule: NearDuplicateRule | None = None) -> list[Match]:
        """Every indexed text the rule calls a near-duplicate of ``fp``: best first (containment, then
        similarity, then insertion order)."""
        rule = rule or self.rule
        scored = []
        for position in self.candidates(fp):
            r = resemblance(fp, self._prints[position])
            if rule.holds(r):
                scored.append((-r.containment, -r.similarity, position, r))
        scored.sort()
        return [Match(self._keys[p], r.similarity, r.containment) for _, _, p, r in scored]

    def scores(self, fp: TextFingerprint) -> list[tuple[Hashable, Resemblance]]:
        """Every candidate with its exact scores, whatever the rule says (for tuning and explanations)."""
        return [(self._keys[p], resemblance(fp, self._prints[p])) for p in sorted(self.candidates(fp))]
