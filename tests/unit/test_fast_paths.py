"""The pipeline's fast paths give exactly what the plain code they replace gives."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.detectors.classifier.features import DIGIT_FOLD, fold_digits
from qinglang.links.extract import _normalised_with_map, extract_text_links
from qinglang.pipeline.screener import freeze_loaded_heap

TEXT = st.text(
    st.one_of(
        st.sampled_from("0123456789１２３ａｂＺ｡．。点點丶·•.() [dot]<>{}abcXYZ色情微信ⅰ①㎏ﬁ🅣🅞𝕩ⓒ➑⭕〇\u0f7c\u0301\xa0\u3000"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=80,
)


def _reference_map(text: str) -> tuple[str, list[int]]:
    """The per-character loop the translate table replaced: each character folded on its own (no cache), then
    the spaced-out runs closed up."""
    from qinglang.links.extract import _DOT_DISGUISES, _SPACED_RE, _fold_one

    out, index, pos = [], [], 0

    def fold_into(start: int, end: int) -> None:
        for i in range(start, end):
            ch = text[i]
            folded = _fold_one(ch) if ord(ch) > 127 else ch
            if folded:
                out.append(folded)
                index.append(i)

    for m in _DOT_DISGUISES.finditer(text):
        fold_into(pos, m.start())
        out.append(".")
        index.append(m.start())
        pos = m.end()
    fold_into(pos, len(text))
    index.append(len(text))
    folded, drop = "".join(out), set()
    for m in _SPACED_RE.finditer(folded):
        drop |= {i for i in range(m.start(), m.end()) if folded[i].isspace()}
    return "".join(c for i, c in enumerate(folded) if i not in drop), [x for i, x in enumerate(index) if i not in drop]


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_link_folding_table_matches_the_per_character_fold(text):
    assert _normalised_with_map(text) == _reference_map(text)


def test_disguised_links_are_still_found_through_the_table():
    text = "官网ｗｗｗ点ｅｘａｍｐｌｅ点ｃｏｍ，或者 bad(dot)site(dot)top"
    urls = [link.url for link in extract_text_links(text)]
    assert urls == ["www.example.com", "bad.site.top"]
    assert all(link.obfuscated for link in extract_text_links(text))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_digit_fold_matches_translate(text):
    assert fold_digits(text) == text.translate(DIGIT_FOLD)


def test_freeze_moves_live_objects_out_of_the_collector_and_later_garbage_is_still_collected():
    gc.unfreeze()
    kept = [[i] for i in range(1000)]
    freeze_loaded_heap()
    try:
        assert gc.get_freeze_count() >= len(kept)
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # made after the freeze: collected as usual
    finally:
        gc.unfreeze()


URLISH = st.text(st.sampled_from("abcKſıİkimshopcom.:/-_0１９ｃｏｍ点 中文www"), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(URLISH, TEXT))
def test_the_url_prefilter_never_hides_a_match(text):
    from qinglang.links.extract import _MAYBE_URL, _URL_RE

    if _URL_RE.search(text):
        assert _MAYBE_URL.search(text)


def test_links_in_plain_and_upper_case_are_found_behind_the_prefilter():
    urls = [link.url for link in extract_text_links("看 HTTPS://Example.org/x 和 shop.example.COM 还有 a.ſhop")]
    assert urls[:2] == ["HTTPS://Example.org/x", "shop.example.COM"]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda cols: st.tuples(
            st.integers(0, cols - 1),
            st.lists(st.lists(st.floats(-30, 30), min_size=cols, max_size=cols), min_size=1, max_size=20),
            st.integers(0, 5000),
        )
    )
)
def test_length_calibration_scores_match_the_plain_column_delete(case):
    import numpy as np

    from qinglang.detectors.classifier.calibration import EDGES, LengthCalibration

    none_index, rows, length = case
    calibration = LengthCalibration(EDGES, tuple(0.5 + i / 10 for i in range(8)), tuple(i / 7 - 0.5 for i in range(8)))
    logits = np.array(rows, dtype=np.float64)
    b = calibration.bucket(length)
    z = logits - logits[:, none_index : none_index + 1]
    expected = 1.0 / (1.0 + np.exp(-(calibration.slope[b] * z + calibration.intercept[b])))
    harm = np.delete(expected, none_index, axis=1)
    expected[:, none_index] = 1.0 - (harm.max(axis=1) if harm.shape[1] else 0.0)
    assert np.array_equal(calibration.scores(logits, none_index, length), expected)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(2, 40), st.integers(0, 2**32 - 1), st.sampled_from([2, 16, 256]))
def test_median_step_is_numpy_s_median_of_the_steps(rows, cols, seed, levels):
    import numpy as np

    from qinglang.detectors.qr.decode import median_step

    gray = np.random.default_rng(seed).integers(0, levels, size=(rows, cols)).astype(np.uint8)
    assert median_step(gray) == float(np.median(np.abs(np.diff(gray.astype(np.int16), axis=1))))


@pytest.mark.parametrize("view", ["every_fourth_row", "every_fourth_pixel", "over_2_to_the_24_steps"])
def test_median_step_is_numpy_s_median_on_strided_and_very_large_images(view):
    import numpy as np

    from qinglang.detectors.qr.decode import median_step

    rng = np.random.default_rng(5)
    if view == "over_2_to_the_24_steps":  # counted by np.bincount: float32 histogram counts stop being exact
        gray = rng.integers(0, 4, size=(4097, 4097)).astype(np.uint8)
    else:
        full = rng.integers(0, 256, size=(401, 397)).astype(np.uint8) // 3
        gray = full[::4] if view == "every_fourth_row" else full[::4, ::4]
    assert median_step(gray) == float(np.median(np.abs(np.diff(gray.astype(np.int16), axis=1))))
