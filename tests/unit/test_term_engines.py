"""Both term-matching engines (Hyperscan, ahocorasick-rs) report the same hits in the same order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.text.terms import TermMatcher

TERMS = ["色情", "情色", "色情片", "ab", "约炮", "vx", "看全集"]
ALPHABET = st.sampled_from(list("色情片约炮看全集abvx 1,。\u200b😀"))

hyperscan = pytest.importorskip("hyperscan", reason="Hyperscan is only installed on x86-64")


def test_hyperscan_engine_is_chosen_where_installed():
    assert TermMatcher(TERMS).engine == "hyperscan"


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown matcher engine"):
        TermMatcher(TERMS, engine="regex")


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_engines_agree_on_every_hit_and_its_character_offsets(text):
    fast = TermMatcher(TERMS, engine="hyperscan").find(text)
    reference = TermMatcher(TERMS, engine="ahocorasick").find(text)
    assert fast == reference
    assert all(text[h.start:h.end] == TERMS[h.index] for h in fast)


def test_overlapping_hits_are_all_reported_with_character_offsets():
    hits = TermMatcher(TERMS, engine="hyperscan").find("😀色情色情片")
    assert [(h.start, h.end, TERMS[h.index]) for h in hits] == [
        (1, 3, "色情"), (2, 4, "情色"), (3, 5, "色情"), (3, 6, "色情片")
    ]
