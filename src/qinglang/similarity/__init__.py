"""Similarity (pure core): edition-robust text fingerprints, the near-duplicate index, PDQ image hash radius
search and drainage target keys. Used by the register (``text_fingerprint`` entries), ``qinglang similar``
and sweeps. No database or web imports; rensa and numpy only."""

from qinglang.similarity.fingerprints import (
    SCHEME,
    Resemblance,
    TextFingerprint,
    fingerprint,
    fingerprint_text,
    resemblance,
    shingles,
)
from qinglang.similarity.images import ImageHashIndex, ImageMatch
from qinglang.similarity.index import DEFAULT_RULE, Match, NearDuplicateRule, TextIndex
from qinglang.similarity.targets import TargetKey, target_key, target_keys

__all__ = [
    "DEFAULT_RULE",
    "SCHEME",
    "ImageHashIndex",
    "ImageMatch",
    "Match",
    "NearDuplicateRule",
    "Resemblance",
    "TargetKey",
    "TextFingerprint",
    "TextIndex",
    "fingerprint",
    "fingerprint_text",
    "resemblance",
    "shingles",
    "target_key",
    "target_keys",
]
