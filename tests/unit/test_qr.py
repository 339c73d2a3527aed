"""QR codes: payload kinds, decoding in generated WeChat-style posters (small, rotated, several codes, long
screenshots), the qr detector's signals, and the decode rate on the ZXing blackbox images when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.qr.decode import WeChatDecoder, decode_qr
from qinglang.detectors.qr.detector import QrDetector
from qinglang.detectors.qr.kinds import QrKind, canonical_payload, classify_payload
from qinglang.domain import ContentItem, ImageRef

pytest.importorskip("segno")
from qinglang.detectors.qr.samples import poster, qr_image, to_bytes  # noqa: E402

GROUP = "https://weixin.qq.com/g/AQYAAHk3Zx8fVb2Qm"
QQ_LONG = "https://qm.qq.com/cgi-bin/qm/qr?k=abcdefghijklmnopqrstuvwxyz012345&jump_from=webapi"
BLACKBOX = Path(__file__).resolve().parents[3] / "shared" / "data" / "zxing_blackbox_qr"


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ("https://weixin.qq.com/g/AbCd", QrKind.WECHAT_GROUP),
        ("http://weixin.qq.com/r/mEj1bXvEFk3RrXxs9xbl", QrKind.WECHAT_OFFICIAL_ACCOUNT),
        ("https://mp.weixin.qq.com/s/abc", QrKind.WECHAT_OFFICIAL_ACCOUNT),
        ("https://work.weixin.qq.com/ca/cawcde123", QrKind.WECOM),
        ("https://u.wechat.com/EOz1yKkDp", QrKind.WECHAT_PERSONAL),
        ("https://wxaurl.cn/bq5KaTzZp0s", QrKind.MINI_PROGRAM),
        ("https://weixin.qq.com/x/wxa/abc", QrKind.MINI_PROGRAM),
        ("https://qm.qq.com/cgi-bin/qm/qr?k=abc", QrKind.QQ),
        ("https://qun.qq.com/qqweb/qunpro/share?inviteCode=1", QrKind.QQ),
        ("https://qr.cli.im/xyz", QrKind.LIVE_CODE),
        ("https://t.cn/A6xyz", QrKind.SHORT_LINK),
        ("https://example.org/page", QrKind.URL),
        ("WIFI:T:WPA;S:cafe;P:secret;;", QrKind.OTHER),
        ("BEGIN:VCARD\nFN:张三\nEND:VCARD", QrKind.OTHER),
    ],
)
def test_payload_kinds(payload, kind):
    assert classify_payload(payload) is kind


def test_canonical_payload_drops_tracking_but_keeps_plain_text():
    assert canonical_payload("HTTPS://Weixin.QQ.com/g/AbCd?from=singlemessage") == "https://weixin.qq.com/g/AbCd"
    assert canonical_payload(" WIFI:S:x;; ") == "WIFI:S:x;;"


@pytest.mark.parametrize(("qr_px", "angle"), [(240, 0), (200, 17), (120, 45), (70, 0), (60, 90)])
def test_group_code_in_poster_decodes_small_and_rotated(qr_px, angle):
    codes = decode_qr(poster(GROUP, qr_px=qr_px, angle=angle))
    assert [c.payload for c in codes] == [GROUP]
    x0, y0, x1, y1 = codes[0].bbox
    assert 0 <= x0 < x1 <= 750 and 0 <= y0 < y1 <= 1000


def test_several_codes_in_one_image_are_all_found():
    img = Image.new("RGB", (900, 400), "white")
    payloads = ["https://weixin.qq.com/g/one", "https://u.wechat.com/two", "https://qm.qq.com/cgi-bin/qm/qr?k=3"]
    for i, p in enumerate(payloads):
        img.paste(qr_image(p, module_px=5), (20 + i * 300, 60))
    assert sorted(c.payload for c in decode_qr(img)) == sorted(payloads)


def test_small_code_at_the_bottom_of_a_long_screenshot_is_found():
    img = poster(GROUP, size=(720, 4800), qr_px=90, position=(600, 4650))
    assert [c.payload for c in decode_qr(img)] == [GROUP]


@pytest.mark.parametrize(("payload", "px"), [("https://wxaurl.cn/bq5KaTzZp0s", 48), (QQ_LONG, 52)])
def test_tiny_code_with_an_avatar_is_recovered_by_upscaling_where_a_symbol_was_located(payload, px):
    from PIL import ImageDraw

    code = qr_image(payload, module_px=8)
    side = code.width // 5
    x = (code.width - side) // 2
    ImageDraw.Draw(code).rounded_rectangle((x, x, x + side, x + side), 8, fill=(200, 60, 60))
    img = poster(None, seed=3)
    img.paste(code.resize((px, px), Image.Resampling.LANCZOS), (300, 700))
    assert [(c.payload, c.decoder) for c in decode_qr(img)] == [(payload, "zxing_upscaled")]


def test_images_without_codes_give_nothing():
    assert decode_qr(poster(None)) == []
    assert decode_qr(Image.effect_noise((640, 480), 80).convert("RGB"), WeChatDecoder()) == []


def _detect(*images: ImageRef):
    item = ContentItem(id="c1", text="正文", images=images)
    return QrDetector().detect(PreparedContent(item, {"text": item.text}))


def test_detector_reports_kind_target_bbox_and_image():
    signals = _detect(ImageRef("poster.png", to_bytes(poster(GROUP + "?from=timeline", angle=10))))
    assert len(signals) == 1
    s = signals[0]
    assert (s.detector, s.label, s.score) == ("qr", "qr/wechat_group", 1.0)
    assert s.attrs["target_kind"] == "qr_payload" and s.attrs["target"] == GROUP
    assert s.attrs["image"] == "poster.png" and len(s.attrs["bbox"]) == 4
    assert s.evidence[0].kind == "qr_code" and s.evidence[0].text.startswith(GROUP)


def test_jpeg_screenshot_of_a_wecom_code_is_classified():
    img = poster("https://work.weixin.qq.com/ca/cawcdeab12", size=(1080, 1920), qr_px=300)
    signals = _detect(ImageRef("s.jpg", to_bytes(img, "JPEG", quality=70)))
    assert [s.label for s in signals] == ["qr/wecom"]


def test_bad_image_gives_an_error_signal_and_other_images_still_count():
    signals = _detect(ImageRef("empty.png", b""), ImageRef("ok.png", to_bytes(poster(GROUP))))
    assert [s.label for s in signals] == ["image_error/image_empty", "qr/wechat_group"]
    assert signals[0].score == 0.0


@pytest.mark.skipif(not BLACKBOX.is_dir(), reason="ZXing blackbox images not present")
def test_blackbox_exact_payload_rate_and_no_false_codes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_qr", Path(__file__).parents[2] / "scripts/eval_qr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.evaluate(BLACKBOX, WeChatDecoder())
    assert result["exact_rate"] >= 0.95
    assert result["negatives"]["falsepositives-2"]["false_codes"] == 0
