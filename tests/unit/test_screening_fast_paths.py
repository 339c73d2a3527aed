"""The fast paths of text screening give exactly what the plain forms give: the vectorised fold, the
noise-first and repeat expressions, one shared normalisation per field, and the policy's rule index."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.contacts.detector import ContactsDetector
from qinglang.detectors.lexicon.detector import LexiconDetector
from qinglang.domain import ContentItem
from qinglang.policy import default_policy, parse_policy
from qinglang.policy.compiled import RuleIndex, rule_index
from qinglang.policy.model import signal_refs
from qinglang.text.charmap import fold, fold_plain, fold_table
from qinglang.text.normalize import _CJK, _NOISE, _NOISE_RE, _REPEAT_RE, normalize, normalize_cached, normalize_text

# Characters that take the slower branches: expansions (…, ½, ﬁ), deletions (zero-width, variation selectors),
# BMP characters that fold to astral ones (CJK compatibility ideographs), astral letters and emoji.
_TRICKY = "…‥½ﬁ㈠\u200b\u200d\ufe0f\U000e0100😀❤𝐀🄰\U00020000\U0002f800\uf900\ufa10，。ＡＢ薇信約炮一三八零幺色 *.·_"
_LONG = st.text(st.one_of(st.sampled_from(list(_TRICKY)), st.characters()), min_size=64, max_size=300)
_LONG_WITH_SURROGATES = st.text(st.characters(blacklist_categories=()), min_size=64, max_size=200)


@settings(max_examples=300)
@given(_LONG)
def test_vectorised_fold_equals_the_table_on_long_text(text):
    assert fold(text) == text.translate(fold_table())


@settings(max_examples=100)
@given(_LONG_WITH_SURROGATES)
def test_fold_of_text_with_lone_surrogates_equals_the_table(text):
    assert fold(text) == text.translate(fold_table())


@settings(max_examples=200)
@given(st.one_of(_LONG, st.text(max_size=63)))
def test_plain_fold_keeps_every_offset(text):
    folded, plain = fold_plain(text)
    if plain:
        assert len(folded) == len(text)
        assert all(fold_table().get(ord(c), c) == f for c, f in zip(text, folded, strict=True))


@settings(max_examples=200)
@given(_LONG)
def test_normalize_text_equals_the_text_of_normalize_on_long_text(text):
    full = normalize(text)
    assert normalize_text(text) == full.text
    assert len(full.origin) == len(full.text) + 1


def test_expansions_in_a_long_text_map_back_to_their_original_spans():
    text = "好的" * 35 + "x……色\u200b情" + "你我" * 5
    n = normalize(text)
    start = n.text.index("色情")
    assert text[slice(*n.original_span(start, start + 2))] == "色\u200b情"
    dots = n.text.index("......")
    assert text[slice(*n.original_span(dots, dots + 6))] == "……"
    assert text[slice(*n.original_span(dots + 4, dots + 5))] == "…"


_REFERENCE_NOISE = re.compile(f"(?<=[{_CJK}])[{_NOISE}]+(?=[{_CJK}])")
_REFERENCE_REPEAT = re.compile(f"([{_CJK}])\\1{{2,}}")
_NOISY = st.text(st.sampled_from(list("色情好a1 *.·-\n😀❤★…色色色啪")), max_size=40)


@settings(max_examples=400)
@given(_NOISY)
def test_noise_expression_finds_what_the_reference_form_finds(text):
    assert [m.span() for m in _NOISE_RE.finditer(text)] == [m.span() for m in _REFERENCE_NOISE.finditer(text)]


@settings(max_examples=400)
@given(_NOISY)
def test_repeat_expression_finds_what_the_reference_form_finds(text):
    assert [m.span() for m in _REPEAT_RE.finditer(text)] == [m.span() for m in _REFERENCE_REPEAT.finditer(text)]


def test_lexicon_and_contacts_share_one_normalisation_per_field():
    text = "正文很长。" * 30 + "加我薇 信 abc123 看 全 集，裸聊"
    prepared = PreparedContent(ContentItem(id="a", title="标题：约炮", text=text), {"title": "标题：约炮", "text": text})
    normalize_cached.cache_clear()
    assert LexiconDetector().detect(prepared)
    assert ContactsDetector().detect(prepared)
    info = normalize_cached.cache_info()
    assert (info.misses, info.hits) == (2, 2)


_DEFAULT = default_policy()
_REFS = sorted({ref for rule in _DEFAULT.rules for ref in rule.triggers or ()}) + [("lexicon", "none"), ("x", "y")]


@settings(max_examples=300)
@given(st.sets(st.sampled_from(_REFS), max_size=6))
def test_rule_index_offers_exactly_the_rules_a_full_scan_would_check(refs):
    present = frozenset(r for d, label in refs for r in signal_refs(d, label))
    expected = [i for i, r in enumerate(_DEFAULT.rules) if r.triggers is None or not r.triggers.isdisjoint(present)]
    assert list(RuleIndex.build(_DEFAULT.rules).candidates(present)) == expected


def test_rule_index_belongs_to_its_own_policy():
    other, issues = parse_policy(
        "id: other\nversion: '1'\nrules:\n"
        "  - id: any-porn\n    when: {signal: lexicon.porn}\n    then: {verdict: block, category: porn}\n"
    )
    assert other is not None, issues
    present = frozenset(signal_refs("lexicon", "porn/explicit"))
    assert list(rule_index(other.rules).candidates(present)) == [0]
    assert rule_index(_DEFAULT.rules) is rule_index(_DEFAULT.rules)
    assert len(rule_index(_DEFAULT.rules).candidates(present)) > 1
