"""The compiled window, feature and product loops give exactly the numbers of the numpy and scipy code they replace.

The shipped model is not retrained, so "close" is not enough: every triplet (doc, bucket, value) and every logit
must be equal bit for bit, on arbitrary text, for the shipped model's spec and for specs that exercise the
other branches (no pinyin, counts not sublinear, an odd bucket width for the radix sort).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from qinglang.detectors.classifier import features, kernel
from qinglang.detectors.classifier.features import FeatureSpec, fold_digits, prepare
from qinglang.detectors.classifier.linear import load_model
from qinglang.detectors.classifier.windows import prepared_windows, window_plan, windows
from qinglang.text.normalize import normalize

MODEL = load_model()
SPECS = {
    "shipped": MODEL.spec,
    "plain": FeatureSpec(bits=12, max_order=3),
    "odd_bits_sublinear_symbols": FeatureSpec(bits=13, max_order=4, sublinear=True, symbol_weight=0.5),
    "pinyin_only_bigrams": FeatureSpec(bits=18, max_order=2, pinyin_order=2, pinyin=MODEL.spec.pinyin),
}

TEXT = st.text(
    st.one_of(
        st.sampled_from("色情加微信涩瑟百家乐充值０１２ab ，。！\n\x02\x03😀🦌✈️❤☆"),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=120,
)


def _reference(texts, spec, raw=None):
    return features.sparse_counts(texts, spec, raw)


def _assert_same(got, expected):
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == e.dtype
        assert np.array_equal(g, e)


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=150, deadline=None)
@given(batch=st.lists(TEXT, min_size=1, max_size=6))
def test_kernel_triplets_equal_the_numpy_features(name, batch):
    spec = SPECS[name]
    _assert_same(kernel.sparse_counts(batch, spec), _reference(batch, spec))
    prepared = [prepare(t) for t in batch]
    _assert_same(kernel.sparse_counts(prepared, spec, batch), _reference(prepared, spec, batch))


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8).map("。".join))
def test_kernel_logits_equal_the_scipy_product_on_a_long_texts_windows(text):
    windows = prepared_windows(text + "。" + "今天天气不错，我们去公园散步。" * 25)  # long: several windows
    assert len(windows) > 1
    flat, raw = [w for _, _, w, _ in windows], [r for _, _, _, r in windows]
    rows, cols, values = _reference(flat, MODEL.spec, raw)
    index = np.searchsorted(rows, np.arange(len(flat) + 1)).astype(np.int32)
    matrix = csr_matrix((values.astype(np.float32), cols.astype(np.int32), index), shape=(len(flat), MODEL.spec.dim))
    expected = (matrix @ MODEL.weights).astype(np.float64) + MODEL.bias.astype(np.float64)
    assert np.array_equal(MODEL.logits_prepared(flat, raw), expected)


def test_a_text_that_differs_by_one_character_gets_different_features():
    a = kernel.sparse_counts(["加我微信", "看视频"], MODEL.spec)
    b = kernel.sparse_counts(["加我薇信", "看视频"], MODEL.spec)
    assert not np.array_equal(a[1], b[1])


def test_the_count_table_is_numpy_s_own_logarithm():
    table = kernel.count_values(True, 50_000)
    counts = np.arange(1, 50_001, dtype=np.float64)
    assert np.array_equal(table[1:50_001], 1.0 + np.log(counts))
    assert np.array_equal(kernel.count_values(False, 10)[:11], np.arange(11, dtype=np.float64))


def test_a_bucket_seen_more_often_than_the_first_table_holds_is_counted_exactly():
    text = "哈" * 5000  # one unigram bucket seen 5,000 times: past the table's first 4,096 entries
    _assert_same(kernel.sparse_counts([text], MODEL.spec), _reference([text], MODEL.spec))
    _assert_same(kernel.sparse_counts([text, text], MODEL.spec), _reference([text, text], MODEL.spec))


def test_empty_and_marker_only_texts():
    for batch in ([""], ["", ""], ["\x02", "\x03\x02"], ["\x02"]):
        _assert_same(kernel.sparse_counts(batch, MODEL.spec), _reference(batch, MODEL.spec))


SENTENCES = st.text(
    st.one_of(st.sampled_from("。！？!?；;…\n”」』\"' \u3000\t色情加微信ab０１😀"), st.characters(exclude_categories=("Cs",))),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(SENTENCES, st.sampled_from([(200, 300, 60), (20, 30, 6), (5, 8, 3)]))
def test_compiled_windows_equal_the_python_windows(text, sizes):
    size, max_size, short = sizes
    norm = normalize(text)
    plan = window_plan(text, size=size, max_size=max_size, short=short)
    if len(text) <= max_size:
        assert plan is None
        return
    ends = kernel.line_ends(text, norm.origin)
    assert plan.spans == tuple(windows(norm.text, size=size, max_size=max_size, short=short, line_ends=ends))
    assert plan.original == tuple(norm.original_span(s, e) for s, e in plan.spans)
    assert plan.prepared == fold_digits(norm.text)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 8),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 63), st.floats(-2, 2, width=64)), min_size=1, max_size=60),
    st.integers(0, 2**32 - 1),
)
def test_product_equals_scipy_for_any_class_count(classes, entries, seed):
    entries.sort(key=lambda e: e[0])  # rows sorted, each row's entries in the order given
    rows, cols, values = (np.array(x) for x in zip(*entries, strict=True))
    weights = np.random.default_rng(seed).normal(size=(64, classes)).astype(np.float32)
    index = np.searchsorted(rows, np.arange(6)).astype(np.int32)
    matrix = csr_matrix((values.astype(np.float32), cols.astype(np.int32), index), shape=(5, 64))
    assert np.array_equal(kernel.product([(rows, cols, values)], weights, 5), matrix @ weights)


def test_line_ends_mark_the_break_the_normaliser_removed_between_cjk_characters():
    text = "看片\n孩子。\n下一段"
    norm = normalize(text)
    assert norm.text == "看片孩子。\n下一段"
    ends = kernel.line_ends(text, norm.origin)
    assert [i for i in range(len(norm.text)) if ends[i]] == [1]  # after 片; the kept break after 。 is a character


def test_a_short_post_pasted_in_as_its_own_paragraph_gets_a_window_of_its_own():
    clean = "今天天气很好，我们去公园散步。" * 10
    text = f"{clean}\n加微信看片\n{clean}"
    plan = window_plan(text)
    assert "加微信看片" in [plan.prepared[s:e] for s, e in plan.spans]
