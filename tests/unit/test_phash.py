"""PDQ hashes: stable under re-encoding and resizing, far apart for different images, matched against
known-bad hashes within the configured Hamming distance."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.phash.detector import PhashDetector
from qinglang.detectors.phash.hashing import bits_to_hex, hamming, is_hash, match_hashes, pdq_hex
from qinglang.domain import ContentItem, ImageRef


def _picture(seed: int) -> Image.Image:
    img = Image.new("RGB", (640, 480), (240, 240, 230))
    draw = ImageDraw.Draw(img)
    for i in range(12):
        x, y = (seed * 97 + i * 53) % 560, (seed * 31 + i * 71) % 400
        draw.ellipse((x, y, x + 80, y + 80), fill=((seed * 40 + i * 20) % 256, (i * 60) % 256, 90))
    return img


def _jpeg(img: Image.Image, quality: int = 60) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def test_hash_is_64_hex_digits():
    value, quality = pdq_hex(_picture(1))
    assert is_hash(value) and 0 <= quality <= 100


def test_reencoded_and_resized_copy_is_near_and_other_image_is_far():
    original, _ = pdq_hex(_picture(1))
    copy, _ = pdq_hex(Image.open(io.BytesIO(_jpeg(_picture(1).resize((320, 240)), 40))))
    other, _ = pdq_hex(_picture(7))
    assert hamming(original, copy) <= 31
    assert hamming(original, other) > 31


@given(st.lists(st.booleans(), min_size=256, max_size=256), st.lists(st.booleans(), min_size=256, max_size=256))
def test_hamming_counts_differing_bits(a, b):
    assert hamming(bits_to_hex(a), bits_to_hex(b)) == sum(x != y for x, y in zip(a, b, strict=True))


def test_match_hashes_orders_by_distance_and_respects_threshold():
    base = "0" * 64
    near, far = "0" * 63 + "f", "f" * 64
    assert match_hashes(base, [far, near, "not-a-hash"], threshold=31) == [(near, 4)]


def test_detector_stores_every_image_hash_and_matches_known_bad():
    bad, _ = pdq_hex(_picture(3))
    detector = PhashDetector({"known_bad": [bad.upper()], "threshold": 31})
    item = ContentItem(
        id="c", images=(ImageRef("copy.jpg", _jpeg(_picture(3), 50)), ImageRef("clean.jpg", _jpeg(_picture(9))))
    )
    signals = detector.detect(PreparedContent(item, {}))
    hashes = [s for s in signals if s.label == "phash/image_hash"]
    assert [s.attrs["image"] for s in hashes] == ["copy.jpg", "clean.jpg"]
    assert all(s.attrs["target_kind"] == "image_hash" and is_hash(s.attrs["target"]) for s in hashes)
    matches = [s for s in signals if s.label == "phash/known_bad_match"]
    assert len(matches) == 1 and matches[0].attrs["image"] == "copy.jpg"
    assert matches[0].attrs["matched"] == bad and matches[0].score > 0.5


def test_config_refuses_values_that_are_not_hashes():
    with pytest.raises(ValueError, match="PDQ"):
        PhashDetector({"known_bad": ["abc"]})


def test_unreadable_image_is_skipped_quietly_by_default():
    item = ContentItem(id="c", images=(ImageRef("bad.png", b"not an image"),))
    assert PhashDetector().detect(PreparedContent(item, {})) == []
