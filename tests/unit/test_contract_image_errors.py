"""Unusable images surface in the batch contract and send the item to a person, never to a silent pass."""

from __future__ import annotations

from qinglang.config import Settings
from qinglang.domain import ContentItem, ImageRef
from qinglang.pipeline import Screener, to_contract


def _screen(item: ContentItem) -> dict:
    screener = Screener.from_settings(Settings().screening)
    return to_contract(item.id, screener.screen(item))


def test_unreadable_image_is_listed_once_and_sends_the_item_to_review(tmp_path):
    bogus = tmp_path / "poster.png"
    bogus.write_bytes(b"this is a text file, not a PNG")
    out = _screen(ContentItem(id="x", text="今天天气很好", images=(ImageRef(str(bogus)),)))
    assert out["verdict"] == "review"
    assert [e["image"] for e in out["image_errors"]] == [str(bogus)]
    assert out["image_errors"][0]["code"] == "image_format_not_allowed"
    assert "system/image_unreadable" in [label["label"] for label in out["labels"]]


def test_item_with_only_good_images_has_no_image_errors(tmp_path):
    from PIL import Image

    good = tmp_path / "plain.png"
    Image.new("RGB", (64, 64), "white").save(good)
    out = _screen(ContentItem(id="y", text="今天天气很好", images=(ImageRef(str(good)),)))
    assert out["verdict"] == "pass"
    assert "image_errors" not in out
