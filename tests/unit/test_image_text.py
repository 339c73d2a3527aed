"""The optional text-in-image detector: a drainage poster's lure words, WeChat handle and URL are read from
the image and reported under ``image_text`` with the image named."""

from __future__ import annotations

import importlib.util

import pytest
from PIL import ImageDraw

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.image.ocr import ImageTextDetector, _fix_ocr_confusions
from qinglang.domain import ContentItem, ImageRef

needs_ocr = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr_onnxruntime") is None or importlib.util.find_spec("segno") is None,
    reason="rapidocr-onnxruntime or segno not installed",
)


def test_ocr_confusions_in_tlds_are_fixed_without_moving_offsets():
    assert _fix_ocr_confusions("www.ha0123abc.c0m 和 x.0rg") == "www.ha0123abc.com 和 x.org"
    assert _fix_ocr_confusions("c0m1") == "c0m1"


@pytest.fixture(scope="module")
def detector():
    if importlib.util.find_spec("rapidocr_onnxruntime") is None:
        pytest.skip("rapidocr-onnxruntime not installed")
    d = ImageTextDetector()
    d.ensure_loaded()
    return d


@needs_ocr
def test_poster_text_gives_lure_contact_and_link_signals(detector):
    from qinglang.detectors.qr import samples

    img = samples.poster("https://weixin.qq.com/g/x")
    draw = ImageDraw.Draw(img)
    draw.text((60, 420), "加微信 abc12345 看全集", fill=(0, 0, 0), font=samples._font(40))
    draw.text((60, 500), "www.hao123abc.com", fill=(0, 0, 0), font=samples._font(40))
    item = ContentItem(id="c", images=(ImageRef("poster.png", samples.to_bytes(img)),))
    signals = detector.detect(PreparedContent(item, {}))
    by_label = {s.label: s for s in signals}
    assert "扫码进群" in by_label["image_text/text"].attrs["text"]
    assert by_label["drainage/wechat_id"].attrs["target"] == "wechat:abc12345"
    assert by_label["drainage/wechat_id"].attrs["image"] == "poster.png"
    assert all(s.detector == "image_text" for s in signals)
    assert any(s.label.startswith("link/") and "abc.com" in s.attrs.get("target", "") for s in signals)


@needs_ocr
def test_plain_image_gives_no_text_signals(detector):
    from qinglang.detectors.qr import samples

    blank = samples.to_bytes(samples.Image.new("RGB", (400, 300), (230, 240, 250)))
    item = ContentItem(id="c", images=(ImageRef("blank.png", blank),))
    assert detector.detect(PreparedContent(item, {})) == []
