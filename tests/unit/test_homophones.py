"""Text read as its sounds (qinglang.text.homophones)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.text.homophones import sounds, toneless


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
