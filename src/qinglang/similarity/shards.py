"""A near-duplicate search split into shards, so a batch engine can run it on many workers.

A sweep looks for one seed's near-duplicates among every stored fingerprint. Rather than build one index over
the whole corpus in one process, :func:`search_shard` takes one chunk of stored entries — each with its corpus
*position* (its place in the whole corpus's order) and its stored fingerprint — decodes them, indexes them in
a :class:`~qinglang.similarity.TextIndex` of their own and searches it for the seed. :func:`merge` puts the
shards' matches back in the one index's order and names them by the caller's keys; only positions travel to
the workers and back.

Sharding changes nothing in the answer: whether two windows share an LSH bucket depends on those two windows
alone, and each candidate is scored exactly, so a seed meets the same candidates and keeps the same matches
shard by shard as in one index; ties are broken by corpus position, as one index breaks them by insertion
order. An entry stored without a current fingerprint carries its text instead: the shard fingerprints it and
returns the new fingerprint so the caller can store it (the index heals itself, as ``corpus_index`` does). A
stored fingerprint that cannot be decoded is reported by position, for the caller to refingerprint.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from qinglang.similarity.encoding import decode
from qinglang.similarity.fingerprints import SCHEME, Resemblance, TextFingerprint, fingerprint
from qinglang.similarity.index import Match, NearDuplicateRule, TextIndex


@dataclass(frozen=True, slots=True)
class ShardEntry:
    """One stored text: its corpus position, stored fingerprint (``None`` or another scheme: use ``text``)."""

    position: int
    stored: bytes | None = None
    scheme: str | None = None
    text: str | None = None

    @property
    def current(self) -> bool:
        return self.stored is not None and self.scheme == SCHEME


@dataclass
class ShardResult:
    """A shard's matches as ``(position, resemblance)``, the fingerprints it made, the entries it could not
    decode."""

    matches: list[tuple[int, Resemblance]] = field(default_factory=list)
    made: list[tuple[int, TextFingerprint]] = field(default_factory=list)
    undecodable: list[int] = field(default_factory=list)


def _fingerprint_of(entry: ShardEntry, result: ShardResult) -> TextFingerprint | None:
    if entry.current:
        try:
            return decode(entry.stored)
        except ValueError:
            if entry.text is None:
                result.undecodable.append(entry.position)
                return None
    fp = fingerprint(entry.text or "")
    result.made.append((entry.position, fp))
    return fp


def search_shard(seed: TextFingerprint, rule: NearDuplicateRule, entries: list[ShardEntry]) -> ShardResult:
    """The near-duplicates of ``seed`` among ``entries`` (pure: runs on any worker)."""
    result = ShardResult()
    index, positions = TextIndex(rule), []
    for entry in entries:
        fp = _fingerprint_of(entry, result)
        if fp is not None:
            index.add(len(positions), fp)
            positions.append(entry)
    for local, r in index.scores(seed):
        if rule.holds(r):
            result.matches.append((positions[local].position, r))
    return result


def merge(found: Iterable[tuple[int, Resemblance]], keys: Sequence[Hashable]) -> list[Match]:
    """Shards' matches best first, as one index orders them (containment, then similarity, then position), each
    under ``keys[position]``."""
    ordered = sorted(found, key=lambda m: (-m[1].containment, -m[1].similarity, m[0]))
    return [Match(keys[position], r.similarity, r.containment) for position, r in ordered]
