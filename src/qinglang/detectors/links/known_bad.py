"""The built-in known-bad domain list (curated seed of the domain register; see scripts/build_domain_seed.py)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from qinglang.links import domain_suffixes


@lru_cache(maxsize=1)
def builtin_known_bad() -> frozenset[str]:
    text = resources.files("qinglang.data").joinpath("known_bad_domains.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def match_known_bad(host: str, known: frozenset[str]) -> str | None:
    """The known-bad entry that ``host`` is, or is a sub-host of; None when clean."""
    for suffix in domain_suffixes(host):
        if suffix in known:
            return suffix
    return None
