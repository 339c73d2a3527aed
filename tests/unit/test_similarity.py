"""The similarity core: fingerprints survive edition edits, excerpts are contained, unrelated texts are apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.similarity import (
    ImageHashIndex,
    NearDuplicateRule,
    TargetKey,
    TextIndex,
    fingerprint,
    fingerprint_text,
    resemblance,
    shingles,
    target_keys,
)
from qinglang.similarity.encoding import decode, encode
from qinglang.similarity.fingerprints import STRIDE, WINDOW, Resemblance, windows

PASSAGES = json.loads((Path(__file__).parent / "data" / "similarity_passages.json").read_text("utf-8"))["passages"]
# simplified -> a traditional or variant form OpenCC folds back
_VARIANTS = {"说": "說", "里": "裡", "为": "為", "马": "馬", "军": "軍", "来": "來", "这": "這", "时": "時", "见": "見"}
_PUNCT = list("，。！？；：、“”‘’「」（）…—· \n\t　,.!?")


def _edition_edit(text: str, data) -> str:
    """Re-punctuate, re-space and re-spell ``text`` the way another edition would, keeping its wording."""
    out = []
    for ch in text:
        if ch in _PUNCT and data.draw(st.booleans()):
            ch = data.draw(st.sampled_from(_PUNCT + [""]))
        elif ch in _VARIANTS and data.draw(st.booleans()):
            ch = _VARIANTS[ch]
        out.append(ch)
        if data.draw(st.integers(0, 40)) == 0:
            out.append(data.draw(st.sampled_from(_PUNCT)))
    return "".join(out)


def test_fingerprint_text_keeps_only_the_wording():
    assert fingerprint_text("「裏面」，為何？ 綫\n") == "里面为何线"
    assert fingerprint_text("ＡＢ１２，cd") == "ab12cd"


def test_shingles_overlap_and_short_texts_are_one_shingle():
    assert shingles("abcdef", 4) == ["abcd", "bcde", "cdef"]
    assert shingles("ab", 4) == ["ab"]
    assert shingles("", 4) == []


def test_windows_cover_every_token_and_overlap_by_half():
    tokens = [str(i) for i in range(1000)]
    ws = windows(tokens)
    assert ws[0][0] == "0" and ws[-1][-1] == "999"
    assert all(len(w) == WINDOW for w in ws)
    assert len(set(ws[0]) & set(ws[1])) == WINDOW - STRIDE


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PASSAGES), st.data())
def test_punctuation_spacing_and_variant_edits_keep_the_fingerprint(passage, data):
    edited = _edition_edit(passage, data)
    r = resemblance(fingerprint(passage), fingerprint(edited))
    assert r.similarity == 1.0, (r, edited[:80])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PASSAGES), st.lists(st.integers(0, 599), min_size=1, max_size=6), st.data())
def test_a_few_changed_characters_keep_similarity_high(passage, positions, data):
    chars = list(passage)
    for i in positions:
        chars[i] = data.draw(st.sampled_from("的了是在不有人这中大"))
    r = resemblance(fingerprint(passage), fingerprint("".join(chars)))
    assert r.similarity >= 0.85, r
    assert NearDuplicateRule().holds(r)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 200), st.integers(150, 400))
def test_unrelated_passages_score_low(i, j, start, length):
    if i == j:
        return
    r = resemblance(fingerprint(PASSAGES[i]), fingerprint(PASSAGES[j][start : start + length]))
    assert r.similarity < 0.05 and r.containment < 0.1, r
    assert not NearDuplicateRule().holds(r)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(PASSAGES), st.integers(0, 300), st.integers(120, 300))
def test_an_excerpt_is_contained_in_its_source(passage, start, length):
    r = resemblance(fingerprint(passage[start : start + length]), fingerprint(passage))
    assert r.containment == 1.0
    assert r.similarity < 1.0 or len(fingerprint_text(passage[start : start + length])) >= 590


def test_empty_text_matches_nothing():
    empty = fingerprint("，。 ")
    assert empty.size == 0 and empty.windows == ()
    assert resemblance(empty, fingerprint(PASSAGES[0])) == Resemblance(0.0, 0.0, 0, 0)


def test_rule_needs_enough_shingles_for_containment():
    rule = NearDuplicateRule(similarity=0.5, containment=0.6, min_shingles=40)
    assert not rule.holds(Resemblance(0.01, 1.0, 10, 10))
    assert rule.holds(Resemblance(0.01, 1.0, 40, 40))
    assert rule.holds(Resemblance(0.6, 0.6, 5, 5))


def _long_text() -> str:
    return "".join(PASSAGES) * 2 + PASSAGES[1][::-1]


def test_index_finds_excerpts_and_edited_copies_but_not_strangers():
    index = TextIndex()
    for n, passage in enumerate(PASSAGES):
        index.add(f"p{n}", fingerprint(passage))
    index.add("long", fingerprint(_long_text()))
    excerpt = index.search(fingerprint(PASSAGES[2][100:400]))
    assert [m.key for m in excerpt][:1] in (["p2"], ["long"]) and {m.key for m in excerpt} == {"p2", "long"}
    assert all(m.containment == 1.0 for m in excerpt)
    copy = index.search(fingerprint(PASSAGES[3].replace("，", " ").replace("。", "！")))
    assert copy[0].key == "p3" and copy[0].similarity == 1.0
    assert index.search(fingerprint("今天天气很好，我们去公园散步，看见许多孩子在草地上放风筝。" * 3)) == []


def test_index_refuses_fingerprints_of_another_scheme():
    from dataclasses import replace

    with pytest.raises(ValueError, match="scheme"):
        TextIndex().add("x", replace(fingerprint(PASSAGES[0]), scheme="other"))


def test_encoding_round_trips_and_refuses_damage():
    fp = fingerprint(_long_text())
    back = decode(encode(fp))
    assert np.array_equal(back.hashes, fp.hashes)
    assert [w.digest() for w in back.windows] == [w.digest() for w in fp.windows]
    index = TextIndex()
    index.add("a", back)
    assert index.search(fingerprint(PASSAGES[0]))[0].key == "a"
    with pytest.raises(ValueError):
        decode(b"not a fingerprint")
    with pytest.raises(ValueError):
        decode(encode(fp)[:-5])


def _flip(hex_hash: str, bits: int) -> str:
    value = int(hex_hash, 16)
    for b in range(bits):
        value ^= 1 << (b * 7 % 256)
    return f"{value:064x}"


@given(st.integers(0, 255))
def test_image_radius_search_counts_bits(bits):
    base = "a5" * 32
    index = ImageHashIndex([("base", base), ("far", _flip(base, 200))])
    near = index.within(_flip(base, min(bits, 37)), radius=31)
    assert [m.key for m in near] == (["base"] if min(bits, 37) <= 31 else [])
    assert index.distances(base).tolist() == [0, 200]


def test_image_index_nearest_first_and_refuses_bad_hashes():
    base = "0f" * 32
    index = ImageHashIndex([("b", _flip(base, 5)), ("a", _flip(base, 2)), ("c", base)])
    assert [(m.key, m.distance) for m in index.within(base, 10)] == [("c", 0), ("a", 2), ("b", 5)]
    assert ImageHashIndex().within(base) == []
    for bad in ("abc", "zz" * 32):
        with pytest.raises(ValueError):
            index.within(bad)


def test_target_keys_are_canonical_and_ignore_other_signals():
    signals = [
        {"attrs": {"target_kind": "domain", "target": "Example.COM."}},
        {"attrs": {"target_kind": "contact", "target": "wechat:abc123"}},
        {"attrs": {"target_kind": "term", "target": "裸聊"}},
        {"attrs": {}},
    ]
    assert target_keys(signals) == {TargetKey("domain", "example.com"), TargetKey("contact", "wechat:abc123")}
