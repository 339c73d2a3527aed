"""The finder-pattern gate in front of the QR decoder's slow passes: it sees every code and skips code-less
images, and gated decoding finds exactly what ungated decoding finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from qinglang.detectors.qr import decode as qr_decode
from qinglang.detectors.qr.decode import QrCode, decode_qr, has_finder_patterns

pytest.importorskip("segno")
from qinglang.detectors.qr.samples import poster, qr_image  # noqa: E402

GROUP = "https://weixin.qq.com/g/AQYAAHk3Zx8fVb2Qm"
BLACKBOX = Path(__file__).resolve().parents[3] / "shared" / "data" / "zxing_blackbox_qr"


def _gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"))


class CountingDecoder:
    """Stands in for the WeChat decoder: counts calls, finds nothing."""

    def __init__(self) -> None:
        self.calls = 0

    def decode(self, img: Image.Image) -> list[QrCode]:
        self.calls += 1
        return []


@pytest.mark.parametrize(("qr_px", "angle"), [(320, 0), (160, 15), (110, 30), (120, 90)])
def test_codes_in_posters_show_finder_patterns(qr_px, angle):
    assert has_finder_patterns(_gray(poster(GROUP, size=(1000, 1000), qr_px=qr_px, angle=angle, seed=3)))


def test_a_code_cropped_to_its_edge_still_shows_finder_patterns():
    code = qr_image(GROUP, module_px=6, border=0)
    assert has_finder_patterns(_gray(code))


@pytest.mark.parametrize("seed", range(5))
def test_posters_without_a_code_show_none(seed):
    assert not has_finder_patterns(_gray(poster(None, size=(1000, 1000), seed=100 + seed)))


def test_a_blank_or_flat_image_shows_none():
    assert not has_finder_patterns(np.full((300, 400), 255, dtype=np.uint8))
    assert not has_finder_patterns(np.zeros((1, 1), dtype=np.uint8))


def test_the_wechat_pass_is_skipped_on_a_code_less_poster_and_run_where_finders_are_seen():
    counting = CountingDecoder()
    assert decode_qr(poster(None, size=(1000, 1000), seed=101), counting) == []
    assert counting.calls == 0
    # finder patterns whose data area is scribbled over: zxing cannot read it, so the WeChat pass gets its turn
    damaged = qr_image(GROUP, module_px=8).convert("RGB")
    draw = ImageDraw.Draw(damaged)
    w, h = damaged.size
    draw.rectangle((w * 0.35, h * 0.35, w * 0.8, h * 0.8), fill="black")
    draw.rectangle((w * 0.55, h * 0.1, w * 0.65, h * 0.9), fill="white")
    assert decode_qr(damaged, counting) == []
    assert counting.calls == 1


@pytest.mark.skipif(not BLACKBOX.is_dir(), reason="ZXing blackbox images not present")
def test_gated_decoding_keeps_every_decode_of_the_zxing_photo_sets(monkeypatch):
    from qinglang.detectors.qr.decode import WeChatDecoder
    from qinglang.imaging import load_image

    wechat = WeChatDecoder()
    paths = sorted(p for name in ("qrcode-1", "qrcode-2", "qrcode-3", "falsepositives-2")
                   for p in (BLACKBOX / name).iterdir() if p.suffix.lower() in (".png", ".jpg", ".gif"))
    images = [load_image(str(p)).image for p in paths]
    gated = [sorted(c.payload for c in decode_qr(img, wechat)) for img in images]
    monkeypatch.setattr(qr_decode, "has_finder_patterns", lambda gray: True)
    ungated = [sorted(c.payload for c in decode_qr(img, wechat)) for img in images]
    lost = [str(p) for p, a, b in zip(paths, gated, ungated, strict=True) if a != b]
    assert not lost
    assert sum(1 for p, found in zip(paths, gated, strict=True)
               if p.with_suffix(".txt").exists() and p.with_suffix(".txt").read_bytes() in [f.encode() for f in found]) >= 96


def test_a_large_noise_image_is_noise_without_the_reduced_copy(monkeypatch):
    noise = np.asarray(Image.effect_noise((1000, 1000), 40).convert("L"))

    def no_reduced_copy(*args, **kwargs):
        raise AssertionError("the 640-px copy was made")

    monkeypatch.setattr(qr_decode.Image, "fromarray", no_reduced_copy)
    assert qr_decode._noise_like(noise)


@pytest.mark.parametrize(("qr_px", "angle", "size"), [(320, 0, (1000, 1000)), (110, 30, (1000, 1000)),
                                                       (160, 15, (1080, 2340))])
def test_large_images_with_a_code_are_not_noise(qr_px, angle, size):
    gray = _gray(poster(GROUP, size=size, qr_px=qr_px, angle=angle, seed=3))
    assert qr_decode.median_step(gray[::4]) < qr_decode.NOISE_SURE / 4
    assert not qr_decode._noise_like(gray)


def test_noise_decides_as_the_reduced_copy_does_below_the_sure_bar():
    # mild noise: rough at full resolution, but under NOISE_SURE, so the 640-px copy decides as before
    mild = np.asarray(Image.effect_noise((1000, 1000), 12).convert("L"))
    assert qr_decode.median_step(mild[::4]) <= qr_decode.NOISE_SURE
    small = Image.fromarray(mild)
    small.thumbnail((640, 640))
    assert qr_decode._noise_like(mild) == (qr_decode.median_step(np.asarray(small)) > 16.0)


def test_the_noise_check_is_skipped_where_the_finder_check_already_said_no(monkeypatch):
    flat = np.full((300, 300), 200, dtype=np.uint8)

    def no_noise_check(gray):
        raise AssertionError("the noise check ran")

    monkeypatch.setattr(qr_decode, "_noise_like", no_noise_check)
    located = qr_decode._Located(flat, seen=False)
    assert located() is False
    assert qr_decode._worth_slow_passes(flat, located) is False
    monkeypatch.setattr(qr_decode, "_noise_like", lambda gray: False)
    assert qr_decode._worth_slow_passes(flat, qr_decode._Located(flat, seen=True)) is True


def _inverted_code_on_noise(code_px: int, sigma: float, code_sigma: float, seed: int = 5) -> Image.Image:
    """A light-on-dark code of ``code_px`` on 1000x1000 grey noise, with ``code_sigma`` of noise over the code."""
    rng = np.random.default_rng(seed)
    canvas = 128.0 + rng.normal(0.0, sigma, (1000, 1000))
    code = 255.0 - np.asarray(qr_image(GROUP).convert("L").resize((code_px, code_px), Image.Resampling.NEAREST))
    x = y = (1000 - code_px) // 3
    canvas[y : y + code_px, x : x + code_px] = code + rng.normal(0.0, code_sigma, code.shape)
    return Image.fromarray(np.clip(canvas, 0, 255).round().astype(np.uint8)).convert("RGB")


@pytest.mark.parametrize("sigma", [40, 60, 85])
def test_zxing_skips_its_inverted_retry_on_plain_noise(monkeypatch, sigma):
    calls = []
    read = qr_decode._read

    def recording(gray, try_invert=True):
        calls.append(try_invert)
        return read(gray, try_invert)

    monkeypatch.setattr(qr_decode, "_read", recording)
    assert decode_qr(Image.effect_noise((1000, 1000), sigma).convert("RGB"), CountingDecoder()) == []
    assert calls == [False]


@pytest.mark.parametrize(("code_px", "sigma", "code_sigma"), [(140, 70, 0), (70, 85, 40), (1000, 85, 85)])
def test_an_inverted_code_on_rough_noise_is_still_read(code_px, sigma, code_sigma):
    img = _inverted_code_on_noise(code_px, sigma, code_sigma)
    gray = _gray(img)
    assert qr_decode.median_step(gray[::4]) > qr_decode.NOISE_SURE  # sure noise: only the inverted retry reads it
    assert not qr_decode._plain_noise(gray)
    assert [c.payload for c in decode_qr(img, CountingDecoder())] == [GROUP]


def test_posters_and_small_images_are_never_plain_noise():
    assert not qr_decode._plain_noise(_gray(poster(None, size=(1000, 1000), seed=101)))
    assert not qr_decode._plain_noise(_gray(Image.effect_noise((640, 480), 80)))
