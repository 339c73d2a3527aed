"""Text read as its sounds (qinglang.text.homophones)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.text.homophones import sounds, spelled, syllables, toneless


def test_characters_that_read_the_same_sound_the_same():
    assert sounds("注册送") == sounds("主册宋")
    assert sounds("抄小说") == sounds("超小说")
    assert sounds("你个垃圾") == sounds("你个辣鸡")
    assert sounds("注册送") != sounds("注册费")


def test_every_other_character_is_left_alone_and_the_length_is_kept():
    text = "abc 123，。😀"
    assert sounds(text) == text
    assert len(sounds("加我vx注册送100")) == len("加我vx注册送100")
    assert sounds("加")[0] != "加"


def test_a_reading_loses_its_tone_and_writes_u_umlaut_as_v():
    assert toneless("zhǔ") == "zhu"
    assert toneless("lǜ") == "lv"


@settings(max_examples=200)
@given(st.text(st.sampled_from(list("注册送主宋加我微信威abc 1，😀\ud800")), min_size=0, max_size=140))
def test_the_long_and_the_short_path_agree(text):
    out = sounds(text)
    assert len(out) == len(text)
    assert out == "".join(sounds(c) for c in text)


def test_a_latin_word_is_cut_into_pinyin_syllables_or_is_not_pinyin():
    assert syllables("yuepao") == ("yue", "pao")
    assert syllables("zhuangche") == ("zhuang", "che")
    assert syllables("xian") == ("xian",)  # fewest syllables: xian, not xi'an
    assert syllables("hello") is None
    assert syllables("mn") is None  # the interjections m, n, ng read no consonant as a sound


def _written_as(text):
    view = spelled(text)
    return [text[a:b] for a, b in zip(view.starts, view.ends, strict=True)]


def test_pinyin_spelled_in_latin_letters_sounds_like_the_characters():
    assert spelled("du博").text == sounds("赌博")
    assert spelled("yue pao").text == sounds("约炮")  # the space between two syllables is read as nothing
    assert spelled("y-u-e-p-a-o").text == sounds("约炮")  # single letters split by one separator
    assert spelled("加 weixin 看片").text == sounds("加微信看片")
    assert spelled("注ce送88元").text == sounds("注册送") + "88" + sounds("元")


def test_every_sound_of_the_view_points_back_at_what_was_written():
    assert _written_as("y-u-e-p-a-o吗") == ["y-u-e", "p-a-o", "吗"]
    assert _written_as("加 weixin 看片") == ["加", "wei", "xin", "看", "片"]
    view = spelled("在线du博")
    assert view.span(2, 4) == (2, 5) and view.has_latin(2, 4) and not view.has_latin(0, 2)


def test_text_without_pinyin_in_latin_letters_has_no_spelled_view():
    assert spelled("注册送88元") is None
    assert spelled("hello world, this is english") is None
    assert spelled("abc 123") is None
    assert spelled("注册" + "yue" * 30) is None  # a letter run longer than any spelled term is not read


@settings(max_examples=200)
@given(st.text(st.sampled_from(list("注册送加微信 -.yuepaoduxinwe1，😀")), min_size=0, max_size=60))
def test_a_spelled_view_points_inside_the_text_in_order(text):
    view = spelled(text)
    if view is None:
        return
    assert len(view.text) == len(view.starts) == len(view.ends)
    assert all(0 <= a < b <= len(text) for a, b in zip(view.starts, view.ends, strict=True))
    assert list(view.starts) == sorted(view.starts)


@settings(max_examples=200)
@given(st.text(st.sampled_from(list("注册送加微信 -.yuepaoduxinwe1，😀")), min_size=0, max_size=80))
def test_a_view_of_the_stretches_near_spelled_runs_finds_what_the_whole_view_finds(text):
    whole, near = spelled(text), spelled(text, 6)
    assert (whole is None) == (near is None)
    if whole is not None:
        keys = {whole.text[i:i + 3] for i in whole.latin}  # every three sounds that start on a spelled syllable
        assert keys <= {near.text[i:i + 3] for i in near.latin}
