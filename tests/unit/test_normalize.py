from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.text.normalize import normalize, normalize_text

# Text drawn from the characters evasion actually uses, plus arbitrary Unicode.
_EVASIVE = st.sampled_from(list("色情裸聊約炮一三八零壹贰幺 *.·😀❤①⑴❶０ＡＢａаеo\u200b\u200d\ufe0f，。vx微信薇加qQ1234567890"))
_TEXT = st.one_of(st.text(_EVASIVE, max_size=60), st.text(max_size=60))


def test_separator_noise_between_cjk_is_stripped():
    for disguised in ("色*情", "色 情", "色.情", "色😀情", "色\u200b情", "色·情", "色❤情"):
        assert normalize_text(disguised) == "色情", disguised


def test_sentence_punctuation_is_kept_as_a_boundary():
    assert normalize_text("好色，情况") == "好色,情况"
    assert normalize_text("色。情") == "色。情"


def test_traditional_chinese_folds_to_simplified():
    assert normalize_text("裸聊約炮軟體") == "裸聊约炮软体"


def test_full_width_and_case_fold_to_ascii_lower():
    assert normalize_text("ＡＢＣ１２３Vx") == "abc123vx"


def test_digit_variants_fold_to_ascii():
    assert normalize_text("①②③") == "123"
    assert normalize_text("⑴❶➊") == "111"
    assert normalize_text("一三八零零一三八零零零") == "13800138000"
    assert normalize_text("壹叁捌幺贰") == "13812"


def test_short_chinese_numerals_stay_words():
    assert normalize_text("一二三") == "一二三"


def test_cyrillic_homoglyphs_fold_to_latin():
    assert normalize_text("аbс") == "abc"


def test_long_runs_of_one_character_collapse_to_two():
    assert normalize_text("色色色色情") == "色色情"
    assert normalize_text("啪啪啪") == "啪啪"
    assert normalize_text("88888888") == "88888888"


_DECORATIONS = st.sampled_from(["\u0336", "\u0335", "\u0338", "\u0301\u0316\u0359", "\u20d2", "\ufe0f", "\U000e0041"])


@settings(max_examples=200)
@given(st.text(st.sampled_from(list("色情视频加微信看片sex")), min_size=1, max_size=12), st.data())
def test_decorating_marks_fold_away_and_spans_keep_them(plain, data):
    """Strike-through, slash overlays, zalgo stacks, variation selectors and tag characters after any character
    are deleted, and a span of the plain text maps back to the decorated original, marks included."""
    marks = data.draw(st.lists(_DECORATIONS, min_size=len(plain), max_size=len(plain)))
    decorated = "".join(ch + mark for ch, mark in zip(plain, marks, strict=True))
    n = normalize(decorated)
    assert n.text == normalize_text(plain)
    assert n.original_span(0, len(n.text))[0] == 0


def test_enclosing_marks_are_noise_between_chinese_characters_and_symbols_elsewhere():
    assert normalize_text("色\u20dd情\u20dd视\u20de频") == "色情视频"
    assert normalize_text("1\ufe0f\u20e3号") == "1\u20e3号"  # a keycap digit stays a symbol the classifier reads


def test_negative_circled_and_squared_letters_fold_to_latin():
    assert normalize_text("加🅥🅧：🅐🅑🅒 🅰🅱🅲") == "加vx:abc abc"


def test_an_accented_latin_letter_folds_to_its_bare_letter_precomposed_or_not():
    assert normalize_text("nǐ hǎo café") == normalize_text("ni\u030c ha\u030co cafe\u0301") == "ni hao cafe"
    assert normalize_text("nǚ lǜ ü") == "nv lv v"  # ü as pinyin is typed
    assert normalize_text("ß ø æ") == "ß ø æ"  # no ASCII base: kept


def test_an_accented_letter_keeps_its_offset():
    n = normalize("看sèqíng片")
    assert n.text == "看seqing片"
    assert n.original_span(1, 7) == (1, 7)


def test_spans_map_back_to_the_disguised_original():
    original = "快来看色 * 情视频"
    n = normalize(original)
    start = n.text.index("色情")
    s, e = n.original_span(start, start + 2)
    assert original[s:e] == "色 * 情"


def test_expanded_characters_map_back_to_one_original_character():
    n = normalize("㈱x")
    assert n.original_span(0, len(n.text)) == (0, 2)


@settings(max_examples=300)
@given(_TEXT)
def test_origin_is_monotonic_and_ends_at_original_length(text):
    n = normalize(text)
    assert len(n.origin) == len(n.text) + 1
    assert n.origin[-1] == len(text)
    assert all(a <= b for a, b in zip(n.origin, n.origin[1:], strict=False))
    assert all(0 <= o <= len(text) for o in n.origin)


@settings(max_examples=300)
@given(_TEXT)
def test_fast_path_equals_offset_path(text):
    assert normalize(text).text == normalize_text(text)


@settings(max_examples=300)
@given(_TEXT)
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300)
@given(_TEXT, st.data())
def test_every_span_maps_to_an_original_substring_that_normalises_to_it(text, data):
    n = normalize(text)
    start = data.draw(st.integers(0, len(n.text)))
    end = data.draw(st.integers(start, len(n.text)))
    s, e = n.original_span(start, end)
    assert 0 <= s <= e <= len(text)
    if start < end:
        # the original substring, normalised on its own, contains every normalised character of the span
        for ch in n.text[start:end]:
            assert ch in normalize_text(text[s:e]) or ch.isdigit() or not ch.strip()


_NOISE_CHARS = st.text(st.sampled_from(list(" *.·_~|😀❤★\u200b")), max_size=3)


@settings(max_examples=200)
@given(st.text(st.sampled_from(list("好的今天看书")), max_size=8), st.lists(_NOISE_CHARS, min_size=3, max_size=3),
       st.text(st.sampled_from(list("好的今天看书")), max_size=8))
def test_a_disguised_term_is_found_and_maps_back_to_its_disguise(prefix, noise, suffix):
    disguise = "裸" + noise[0] + "聊" + noise[1] + "約" + noise[2] + "炮"
    original = prefix + disguise + suffix
    n = normalize(original)
    start = n.text.index("裸聊约炮")
    s, e = n.original_span(start, start + 4)
    assert original[s:e] == disguise


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_fast_fold_equals_the_table(text):
    from qinglang.text.charmap import fold, fold_table

    assert fold(text) == text.translate(fold_table())
