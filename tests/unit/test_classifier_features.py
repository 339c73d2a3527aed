import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.detectors.classifier.features import FeatureSpec, hashed_ngrams, prepare, sparse_counts
from qinglang.detectors.classifier.windows import prepared_windows, windows
from qinglang.text.normalize import normalize

SPEC = FeatureSpec(bits=12, max_order=3)
texts = st.text(alphabet=st.sampled_from("色情加微信abc０１２ ，。！\n😀"), max_size=40)


def _bag(text):
    _, buckets = hashed_ngrams([text], SPEC)
    return sorted(buckets.tolist())


@settings(max_examples=60)
@given(st.lists(texts, min_size=1, max_size=6))
def test_batched_hashing_equals_one_text_at_a_time(batch):
    doc, buckets = hashed_ngrams(batch, SPEC)
    for i, text in enumerate(batch):
        assert sorted(buckets[doc == i].tolist()) == _bag(text)


def test_ngram_count_is_orders_one_to_three_with_boundaries():
    # "ab" framed as ^ab$: unigrams a b; bigrams ^a ab b$; trigrams ^ab ab$
    assert len(_bag("ab")) == 7


def test_hashing_is_stable_across_runs():
    assert _bag("加我微信") == _bag("加我微信")
    assert _bag("加我微信") != _bag("加我薇信")


@given(st.lists(texts, min_size=1, max_size=5))
def test_feature_rows_have_unit_norm(batch):
    rows, _, values = sparse_counts(batch, SPEC)
    norms = np.bincount(rows, weights=values * values, minlength=len(batch))
    assert np.allclose(norms, 1.0)


def test_prepare_folds_digits_and_width():
    assert prepare("ＱＱ１２３４５") == "qq00000"


@given(st.text(max_size=1500))
def test_windows_cover_the_text_within_bounds(text):
    spans = windows(text, size=200, max_size=300)
    assert spans[0][0] == 0 or not text[: spans[0][0]].strip()
    assert all(0 <= s < e <= len(text) or s == e == len(text) == 0 for s, e in spans)
    assert all(e - s <= 300 for s, e in spans)
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(i in covered for i, ch in enumerate(text) if ch.strip())


def test_long_text_gets_overlapping_paragraph_windows_and_sentence_windows():
    text = "".join(f"这是第{i}句话，内容平平无奇。" for i in range(60))
    spans = windows(text, size=200, short=60)
    wide = [w for w in spans if w[1] - w[0] > 60]
    narrow = [w for w in spans if w[1] - w[0] <= 60]
    assert len(wide) > 3 and len(narrow) > len(wide)
    assert all(b[0] < a[1] for a, b in zip(wide, wide[1:], strict=False))


def test_a_sentence_inside_long_text_has_its_own_window():
    text = "天气很好，大家出门散步。" * 30 + "加我微信看福利。" + "天气很好，大家出门散步。" * 30
    at = text.index("加我微信")
    assert any(s <= at and at + 8 <= e and e - s <= 60 for s, e in windows(text))


@settings(max_examples=150)
@given(st.text(alphabet=st.sampled_from("色情加微信看福利abc０１２三四五 *，。！\n😀"), max_size=120))
def test_prepare_is_idempotent(text):
    # training stores long texts' windows already prepared and prepares every example again
    assert prepare(prepare(text)) == prepare(text)


@settings(max_examples=60)
@given(st.text(alphabet=st.sampled_from("天气很好加微信看福利０１２ *。！\n😀"), min_size=301, max_size=900))
def test_prepared_windows_map_back_to_the_original(text):
    full = prepare(text)
    out = prepared_windows(text)
    assert out and all(0 <= s <= e <= len(text) for s, e, _, _ in out)
    assert all(window in full and raw == window for _, _, window, raw in out)  # cut from the text normalised once
    norm = normalize(text)
    first, last = len(norm.text) - len(norm.text.lstrip()), len(norm.text.rstrip())
    if first < last:  # the windows reach from the first to the last visible character that survives normalisation
        assert min(s for s, _, _, _ in out) <= norm.original_span(first, last)[0]
        assert max(e for _, e, _, _ in out) >= norm.original_span(first, last)[1]


def test_prepared_windows_of_a_long_text_point_at_the_buried_sentence():
    text = "天气很好，大家出门散步。" * 30 + "加 我 微 信 看 福 利。" + "天气很好，大家出门散步。" * 30
    at = text.index("加 我")
    hits = [(s, e) for s, e, w, _ in prepared_windows(text) if "加我微信看福利" in w and len(w) <= 60]
    assert hits and all(s <= at and at + 13 <= e for s, e in hits)
    assert prepared_windows("短文本１２") == [(0, 5, prepare("短文本１２"), "短文本１２")]  # whole: raw is the text


SYMBOLS = FeatureSpec(bits=12, max_order=3, sublinear=True, symbol_weight=0.6)


def test_symbol_view_keeps_the_emoji_the_normaliser_drops():
    assert prepare("今天🦌了吗") == prepare("今天了吗")  # the normaliser strips the emoji between two CJK characters
    with_emoji, without = sparse_counts(["今天了吗"], SYMBOLS, ["今天🦌了吗"]), sparse_counts(["今天了吗"], SYMBOLS)
    assert len(with_emoji[1]) == len(without[1]) + 3  # 🦌, 天🦌, 🦌了
    norms = np.bincount(with_emoji[0], weights=with_emoji[2] ** 2)
    assert np.allclose(norms, [1.0 + 0.6**2])  # n-gram block of norm 1, symbol block of norm 0.6
    off = sparse_counts(["今天了吗"], SPEC, ["今天🦌了吗"])
    assert len(off[1]) == len(sparse_counts(["今天了吗"], SPEC)[1])  # symbol_weight 0: no symbol features


@settings(max_examples=60)
@given(st.lists(texts, min_size=1, max_size=6))
def test_symbol_view_batched_equals_one_text_at_a_time(batch):
    prepared = [prepare(t) for t in batch]
    rows, cols, values = sparse_counts(prepared, SYMBOLS, batch)
    assert np.all(np.diff(rows) >= 0)  # sorted by text, as the CSR product needs
    for i, (p, t) in enumerate(zip(prepared, batch, strict=True)):
        _, c1, v1 = sparse_counts([p], SYMBOLS, [t])
        assert sorted(zip(cols[rows == i].tolist(), values[rows == i].round(9).tolist(), strict=True)) == sorted(
            zip(c1.tolist(), v1.round(9).tolist(), strict=True)
        )


def test_pinyin_view_makes_homophone_spellings_share_features():
    table = np.zeros(0x9FFF - 0x4E00 + 1, dtype=np.uint16)
    table[ord("色") - 0x4E00] = table[ord("涩") - 0x4E00] = 7
    chars_only = FeatureSpec(bits=16, max_order=2)
    with_pinyin = FeatureSpec(bits=16, max_order=2, pinyin_order=2, pinyin=table)

    def shared(spec):
        a = set(hashed_ngrams(["要色色"], spec)[1].tolist())
        return len(a & set(hashed_ngrams(["要涩涩"], spec)[1].tolist()))

    assert shared(with_pinyin) > shared(chars_only)


@settings(max_examples=30)
@given(st.lists(texts, min_size=2, max_size=4))
def test_pinyin_batching_equals_one_text_at_a_time(batch):
    table = np.arange(0x9FFF - 0x4E00 + 1, dtype=np.uint16) % 50
    spec = FeatureSpec(bits=12, max_order=3, pinyin_order=2, pinyin=table)
    doc, buckets = hashed_ngrams(batch, spec)
    for i, text in enumerate(batch):
        assert sorted(buckets[doc == i].tolist()) == sorted(hashed_ngrams([text], spec)[1].tolist())


def test_sublinear_counts_damp_repeated_ngrams_and_keep_unit_norm():
    raw = FeatureSpec(bits=12, max_order=1)
    damped = FeatureSpec(bits=12, max_order=1, sublinear=True)
    text = "色色色色色好"
    _, cols_raw, v_raw = sparse_counts([text], raw)
    _, cols_sub, v_sub = sparse_counts([text], damped)
    assert np.array_equal(cols_raw, cols_sub)
    ratio_raw, ratio_sub = v_raw.max() / v_raw.min(), v_sub.max() / v_sub.min()
    assert np.isclose(ratio_raw, 5.0) and np.isclose(ratio_sub, 1.0 + np.log(5.0))
    assert np.isclose((v_sub**2).sum(), 1.0)

