"""The normaliser's output is pinned to its ``EDITION``: a change to normalisation that alters these samples must
bump ``qinglang.text.normalize.EDITION`` (and record the new outputs here), so stored text fingerprints of the
old edition are recomputed instead of being compared with shingles of another normalisation."""

from __future__ import annotations

import pytest

from qinglang.similarity import SCHEME
from qinglang.text import EDITION, normalize_text

# edition -> (input, normalize_text output); one sample per transform and a few mixed ones. An edition keeps every
# sample of the one before whose output it did not change and adds its own.
_EDITION_1 = [
    ("色*情 小说", "色情小说"),  # strip_noise
    ("加我薇信：ｑｌｔｅａｍ８８", "加我薇信:qlteam88"),  # fold: full-width
    ("裏面為綫", "里面为线"),  # fold: traditional and variant forms
    ("一三八零零一三八零零零", "13800138000"),  # cn_digits
    ("啪啪啪啪好色色色情", "啪啪好色色情"),  # collapse
    ("Ｖ❤：ａｂｃ１２３", "v❤:abc123"),
    ("з\u200bа 色😀情", "зa 色情"),  # invisible characters, a homoglyph, an emoji between characters
    ("⑴❶０ ⓐ", "110 a"),  # enclosed digits and letters
]
_EDITION_2 = [
    *_EDITION_1,
    ("色\u0336情̶视\u0335频 s̶e̶x̶", "色情视频 sex"),  # strike-through and other decorating combining marks
    ("加🅥🅧 🅢🅔🅧", "加vx sex"),  # negative circled and squared letters
    ("1\ufe0f\u20e35\ufe0f\u20e3 色\u20dd情", "1\u20e35\u20e3 色情"),  # keycaps stay; a circle between characters goes
    ("色\U000e0041\U000e0042情", "色情"),  # tag characters (invisible ASCII)
]
_EDITION_3 = [
    *_EDITION_2,
    ("yuēpào SÈQÍNG nǚ café", "yuepao seqing nv cafe"),  # accented Latin letters: tone-marked pinyin reads as pinyin
]
SAMPLES = {1: _EDITION_1, 2: _EDITION_2, 3: _EDITION_3}


def test_the_fingerprint_scheme_names_the_normalisation_edition():
    assert SCHEME.endswith(f"/norm{EDITION}")


@pytest.mark.parametrize(("text", "expected"), SAMPLES.get(EDITION, []))
def test_normalisation_is_what_its_edition_says(text, expected):
    assert normalize_text(text) == expected, (
        "normalize_text's output changed: bump qinglang.text.normalize.EDITION and add this edition's samples, so "
        "stored fingerprints of the old edition are recomputed")


def test_the_current_edition_has_samples():
    assert SAMPLES.get(EDITION), f"record normalize_text samples for edition {EDITION} in SAMPLES"
