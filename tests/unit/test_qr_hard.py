"""The hard-photo pass: degraded photographed codes of ``scripts/eval_qr_hard.py``'s dev part that no other pass
reads are read by one of its variants, and it reads nothing on code-less images even when forced to run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from qinglang.detectors.qr import decode as qr_decode
from qinglang.detectors.qr import hard as qr_hard
from qinglang.detectors.qr.deblur import blur_angle, blur_length, motion_kernel
from qinglang.detectors.qr.decode import WeChatDecoder, decode_qr
from qinglang.detectors.qr.hard import read_variants

pytest.importorskip("segno")
from qinglang.detectors.qr.samples import poster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _hard_split():
    spec = importlib.util.spec_from_file_location("eval_qr_hard", ROOT / "scripts" / "eval_qr_hard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HARD = _hard_split()


@pytest.fixture(scope="module")
def wechat() -> WeChatDecoder:
    return WeChatDecoder()


def _case(number: int, degradation: str) -> tuple[str, Image.Image]:
    """One generated card of the hard split's dev part, degraded exactly as the evaluation degrades it."""
    payload = HARD._synthetic_payload(number)
    gray = HARD._card(payload, HARD._rng("card", number))
    return payload, Image.fromarray(HARD.DEGRADATIONS[degradation](gray, HARD._rng(f"generated/{number}", degradation)))


# every other pass (zxing at 1x and 2x, the located regions upscaled, the WeChat decoder) reads none of these
@pytest.mark.parametrize(("number", "degradation"), [(5, "motion"), (26, "motion"), (32, "motion"), (1, "combo")])
def test_hard_photos_the_other_passes_miss_are_read(wechat, number, degradation):
    payload, img = _case(number, degradation)
    found = decode_qr(img, wechat)
    assert [c.payload for c in found] == [payload]
    assert found[0].decoder == "zxing_hard"


def test_a_read_of_a_turned_variant_maps_back_to_the_image(monkeypatch):
    payload, img = _case(3, "blur")
    gray = np.asarray(HARD._card(payload, HARD._rng("card", 3)))
    direct = decode_qr(Image.fromarray(gray))[0].polygon
    monkeypatch.setattr(qr_hard, "VARIANTS", tuple(v for v in qr_hard.VARIANTS if v[0] == "rotated"))
    reads, variant = read_variants(gray)
    assert variant == "rotated" and reads[0][0] == payload
    assert np.abs(np.array(reads[0][1]) - np.array(direct)).max() <= 3


def test_the_budget_bounds_the_pass():
    _, img = _case(5, "motion")
    assert read_variants(np.asarray(img.convert("L")), budget_ms=-1.0) == ([], None)


@pytest.mark.parametrize("degradation", sorted(HARD.DEGRADATIONS))
def test_no_variant_reads_a_code_in_degraded_code_less_posters(monkeypatch, wechat, degradation):
    monkeypatch.setattr(qr_decode, "has_finder_patterns", lambda gray: True)  # force every pass to run
    gray = np.asarray(poster(None, size=(750, 1000), seed=7001).convert("L"))[:750]
    img = Image.fromarray(HARD.DEGRADATIONS[degradation](gray, HARD._rng("poster/1", degradation)))
    assert decode_qr(img, wechat) == []
    assert read_variants(np.asarray(img))[0] == []


def _shaken_card() -> tuple[str, np.ndarray]:
    """Generated card 2, smeared by a 9-px straight line at 105 degrees (a shaken photo)."""
    import cv2

    payload = HARD._synthetic_payload(2)
    card = HARD._card(payload, HARD._rng("card", 2))
    return payload, cv2.filter2D(card, -1, motion_kernel(9, 105))


def test_the_blur_estimate_finds_the_smearing_line():
    _, gray = _shaken_card()
    angle = blur_angle(gray)
    assert abs((angle - 105 + 90) % 180 - 90) <= 10
    assert blur_length(gray, angle) == 9


def test_a_shaken_code_only_the_deblurred_variant_reads(monkeypatch, wechat):
    payload, gray = _shaken_card()
    without = tuple(v for v in qr_hard.VARIANTS if v[0] != "deblurred")
    assert len(without) == len(qr_hard.VARIANTS) - 1
    monkeypatch.setattr(qr_hard, "VARIANTS", without)
    assert decode_qr(Image.fromarray(gray), wechat) == []
    monkeypatch.undo()
    found = decode_qr(Image.fromarray(gray), wechat)
    assert [(c.payload, c.decoder) for c in found] == [(payload, "zxing_hard")]
    assert read_variants(gray)[1] == "deblurred"
