import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.contacts.detector import ContactsDetector
from qinglang.domain import ContentItem
from qinglang.testing.detector_contract import DetectorContract


def _detect(text, **config):
    return ContactsDetector(config or None).detect(PreparedContent(ContentItem(id="x", text=text), {"text": text}))


def _by_label(signals):
    return {s.label: s for s in signals}


def test_acceptance_spaced_wechat_handle_and_lure():
    text = "加我薇 信 abc123 看 全 集"
    signals = _by_label(_detect(text))
    wechat = signals["drainage/wechat_id"]
    assert wechat.attrs["target"] == "wechat:abc123"
    assert wechat.attrs["target_kind"] == "contact"
    assert wechat.attrs["handle_kind"] == "wechat" and wechat.attrs["value"] == "abc123"
    ev = wechat.evidence[0]
    assert text[ev.start:ev.end] == "abc123"
    assert ev.detail["cue"] == "薇 信"
    lure = signals["drainage/lure"]
    assert any(e.text == "看 全 集" for e in lure.evidence)


@pytest.mark.parametrize("text", ["V❤: abc_123", "➕V：abc_123", "vx号 abc_123", "威❤信 abc_123", "ＶＸ：ＡＢＣ_123"])
def test_wechat_cue_disguises_are_seen_through(text):
    wechat = _by_label(_detect(text))["drainage/wechat_id"]
    assert wechat.attrs["target"] == "wechat:abc_123"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("加扣扣 12345678", "12345678"),
        ("加qq12345678", "12345678"),
        ("企鹅：①②③④⑤⑥⑦⑧", "12345678"),
        ("qq群号 8765-4321", "87654321"),
        ("加扣 壹贰叁肆伍陆柒捌", "12345678"),
    ],
)
def test_qq_numbers_after_a_cue_are_found_in_any_digit_form(text, digits):
    qq = _by_label(_detect(text))["drainage/qq"]
    assert qq.attrs["target"] == f"qq:{digits}"
    ev = qq.evidence[0]
    assert text[ev.start:ev.end] == ev.text


@pytest.mark.parametrize("text", ["电话13800138000", "手机 138-0013-8000", "联系 一三八零零一三八零零零", "tel 1 3 8 0 0 1 3 8 0 0 0", "手机+8613800138000"])
def test_mobile_numbers_in_any_disguise_are_found(text):
    phone = _by_label(_detect(text))["drainage/phone"]
    assert phone.attrs["target"] == "phone:13800138000"
    assert phone.evidence[0].detail["cued"] is True


@pytest.mark.parametrize(
    ("text", "label", "target"),
    [
        ("加微信1️⃣5️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ 看全集", "drainage/wechat_id", "wechat:15812345678"),
        ("q群：7️⃣8️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣", "drainage/qq", "qq:78654321"),
        ("电话1⃣3⃣8⃣0⃣0⃣1⃣3⃣8⃣0⃣0⃣0⃣", "drainage/phone", "phone:13800138000"),
    ],
)
def test_numbers_in_keycaps_are_read_as_their_digits_and_count_as_a_disguise(text, label, target):
    signal = _by_label(_detect(text))[label]
    assert signal.attrs["target"] == target
    ev = signal.evidence[0]
    assert text[ev.start:ev.end] == ev.text and "keycap" in ev.detail["transforms"]
    assert "keycap" in ev.detail["explanation"]
    assert signal.score == 0.95 and signal.severity == 3


def test_a_longer_number_in_keycaps_is_not_a_mobile_number():
    assert _detect("编号1⃣3⃣8⃣0⃣0⃣1⃣3⃣8⃣0⃣0⃣0⃣1⃣") == []
    assert _detect("编号9⃣1⃣3⃣8⃣0⃣0⃣1⃣3⃣8⃣0⃣0⃣0⃣") == []


def test_bare_mobile_number_scores_lower_than_a_cued_one():
    bare = _by_label(_detect("号码13800138000"))["drainage/phone"]
    cued = _by_label(_detect("电话13800138000"))["drainage/phone"]
    assert bare.score < cued.score


def test_longer_digit_strings_are_not_mobile_numbers():
    assert _detect("订单号 913800138000123") == []


def test_bare_numbers_without_a_cue_are_not_qq_numbers():
    assert _detect("2019年营收12345678元，同比增长15%，员工编号87654321。") == []


def test_clean_wikipedia_paragraph_has_no_signal():
    text = ("长江是亚洲第一长河，全长约6300公里，流域面积180万平方公里。1998年长江流域发生特大洪水，"
            "国家随后投入大量资金加固堤防，三峡工程于2006年全线建成。")
    assert _detect(text) == []


def test_wechat_word_followed_by_its_own_name_is_not_a_handle():
    assert _detect("微信（wechat）是腾讯公司推出的即时通信软件") == []


def test_same_handle_twice_is_one_signal_with_two_evidence():
    signals = [s for s in _detect("微信 abc123 重要的事说两遍 vx abc123") if s.label == "drainage/wechat_id"]
    assert len(signals) == 1 and len(signals[0].evidence) == 2


def test_lures_can_be_switched_off():
    assert _detect("点击阅读原文", lures=False) == []
    assert _by_label(_detect("点击阅读原文"))["drainage/lure"].attrs["lures"] == ["阅读原文"]


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(list("加我薇信vx扣qQ企鹅电话 :*.①②③一三八零1234567890abc❤➕\ufe0f\u20e3")), max_size=40))
def test_every_contact_span_is_the_original_substring(text):
    for signal in _detect(text):
        for ev in signal.evidence:
            assert 0 <= ev.start <= ev.end <= len(text)
            assert text[ev.start:ev.end] == ev.text


class TestContactsDetectorContract(DetectorContract):
    detector_class = ContactsDetector


def test_disguised_cue_is_explained_and_scores_above_a_plain_one():
    disguised = _by_label(_detect("薇 信 abc123"))["drainage/wechat_id"]
    plain = _by_label(_detect("微信 abc123"))["drainage/wechat_id"]
    assert "variant_cue" in disguised.evidence[0].detail["transforms"]
    assert "separators" in disguised.evidence[0].detail["explanation"]
    assert "variant_cue" not in plain.evidence[0].detail["transforms"]
    assert disguised.score > plain.score and disguised.severity > plain.severity
