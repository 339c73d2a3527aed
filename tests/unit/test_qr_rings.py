"""The finder check's run-based components: the same components, the same ring decisions as an 8-connected
labelling (OpenCV's, which the check used before), and every generated code it saw then is still seen."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from qinglang.detectors.qr import decode as qr_decode
from qinglang.detectors.qr.decode import FINDER_BLOCKS, FINDER_DELTA, has_finder_patterns
from qinglang.detectors.qr.rings import _components, _runs, ring_around_core

cv2 = pytest.importorskip("cv2")
pytest.importorskip("segno")
from qinglang.detectors.qr.samples import poster  # noqa: E402

BORDER = cv2.BORDER_REPLICATE | cv2.BORDER_ISOLATED


def _opencv_rings(dark: np.ndarray) -> bool:
    """The ring test on OpenCV's labelling: the check as it was written before the run-based components."""
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(dark, 8, cv2.CV_32S, cv2.CCL_GRANA)
    x, y, w, h, area = (stats[1:, k].astype(np.int64) for k in range(5))
    ring = (w >= 7) & (h >= 7) & (w * 3 < h * 5) & (h * 3 < w * 5)
    fill = area / np.maximum(w * h, 1)
    rings = np.flatnonzero(ring & (fill > 0.25) & (fill < 0.8))
    core = labels[y[rings] + h[rings] // 2, x[rings] + w[rings] // 2]
    keep = (core != 0) & (core != rings + 1)
    rings, core = rings[keep], core[keep] - 1
    inside = (x[core] > x[rings]) & (y[core] > y[rings]) & (x[core] + w[core] < x[rings] + w[rings]) & (
        y[core] + h[core] < y[rings] + h[rings])
    width, height = w[core] / w[rings], h[core] / h[rings]
    return bool((inside & (width > 0.2) & (width < 0.65) & (height > 0.2) & (height < 0.65)).any())


def _reference_gate(gray: np.ndarray) -> bool:
    """The finder check before: a margin of a sixteenth of the side, cv2.adaptiveThreshold, OpenCV's labelling."""
    low, high = qr_decode.FINDER_SIDE
    scale = min(high / max(gray.shape), max(1.0, low / min(gray.shape)))
    pixels = np.ascontiguousarray(gray)
    if scale != 1.0:
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR)
    pad = max(8, max(pixels.shape) // 16)
    pixels = cv2.copyMakeBorder(pixels, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return any(_opencv_rings(cv2.adaptiveThreshold(pixels, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                                   block, FINDER_DELTA)) for block in FINDER_BLOCKS)


def _as_levels(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A binary image as grey levels and a flat mean under which exactly its dark pixels are dark."""
    return np.where(dark, 0, 255).astype(np.uint8), np.full(dark.shape, 128, np.uint8)


def _random_binary(seed: int) -> np.ndarray:
    """Noise of random density with rings and squares drawn over it, at a random size (1 px to 120 px a side)."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(1, 120, size=2))
    dark = (rng.random((h, w)) < rng.uniform(0.05, 0.6)).astype(np.uint8) * 255
    for _ in range(int(rng.integers(0, 6))):
        x, y, side = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(7, 40))
        tall, margin = side + int(rng.integers(-side // 3, side // 3 + 1)), rng.uniform(0.15, 0.45)
        cv2.rectangle(dark, (x, y), (x + side, y + tall), 255, int(rng.integers(1, 9)))
        cv2.rectangle(dark, (x + int(side * margin), y + int(tall * margin)),
                      (x + side - int(side * margin), y + tall - int(tall * margin)), 255, -1)
    return dark


@pytest.mark.parametrize("seed", range(60))
def test_runs_give_the_components_of_an_8_connected_labelling(seed):
    dark = _random_binary(seed)
    x0, x1, starts = _runs(*_as_levels(dark), 10)
    parent, boxes = _components(x0, x1, starts)
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(dark, 8, cv2.CV_32S, cv2.CCL_GRANA)
    run_row = np.repeat(np.arange(dark.shape[0]), np.diff(starts))
    for r in np.flatnonzero(parent == np.arange(len(parent))):  # each root holds its component's box and size
        left, top, w, h, area = stats[labels[run_row[r], x0[r]]]
        assert (left, left + w - 1, top, top + h - 1, area) == (*boxes[r, :2], run_row[r], boxes[r, 2], boxes[r, 3])
    for i in range(len(parent)):  # each run's root: a parent is never a later run
        parent[i] = parent[parent[i]]
    n, labels = cv2.connectedComponentsWithAlgorithm(dark, 8, cv2.CV_32S, cv2.CCL_GRANA)
    assert len(np.unique(parent)) == n - 1
    for y in range(dark.shape[0]):  # every run lies in one labelled component, and runs share a root exactly
        for i in range(starts[y], starts[y + 1]):  # where their pixels share a label
            assert (dark[y, x0[i] : x1[i] + 1] == 255).all()
            assert len(np.unique(labels[y, x0[i] : x1[i] + 1])) == 1
    first = {}
    for y in range(dark.shape[0]):
        for i in range(starts[y], starts[y + 1]):
            first.setdefault(int(labels[y, x0[i]]), int(parent[i]))
            assert first[int(labels[y, x0[i]])] == parent[i]
    assert int((dark == 255).sum()) == int((x1 - x0 + 1).sum())


@pytest.mark.parametrize("seed", range(400))
def test_ring_decisions_match_the_opencv_labelling(seed):
    dark = _random_binary(seed)
    assert ring_around_core(*_as_levels(dark), 10) == _opencv_rings(dark)


def _one_ring(rng: np.random.Generator) -> np.ndarray:
    """One ring (any thickness, squarish or not) with one core in its hole, sometimes joined to it by a bar or
    cut by a gap: each bound of the ring test (size, side ratio, fill, core inside, core width and height, core
    another component) is crossed by some."""
    dark = np.zeros((64, 64), np.uint8)
    w = int(rng.integers(5, 44))
    h = min(60, max(5, round(w * rng.uniform(0.55, 1.8))))
    t = int(rng.integers(1, max(2, min(w, h) // 2)))
    x, y = int(rng.integers(1, 63 - w)), int(rng.integers(1, 63 - h))
    cv2.rectangle(dark, (x, y), (x + w - 1, y + h - 1), 255, -1)
    dark[y + t : y + h - t, x + t : x + w - t] = 0  # the hole
    hole_w, hole_h = w - 2 * t, h - 2 * t
    if hole_w >= 3 and hole_h >= 3:
        cw, ch = int(rng.integers(1, hole_w - 1)), int(rng.integers(1, hole_h - 1))
        cx = x + t + 1 + int(rng.integers(0, hole_w - cw - 1))
        cy = y + t + 1 + int(rng.integers(0, hole_h - ch - 1))
        dark[cy : cy + ch, cx : cx + cw] = 255
        if rng.random() < 0.15:
            dark[cy, x : cx + 1] = 255  # a bar joins the core to the ring: one component
    if rng.random() < 0.15:
        dark[y : y + h, x + w // 2] = 0  # a gap through ring and core
    return dark


def test_ring_decisions_match_the_opencv_labelling_at_every_bound():
    rng = np.random.default_rng(20261203)
    decisions = []
    for _ in range(6000):
        dark = _one_ring(rng)
        decisions.append(_opencv_rings(dark))
        assert ring_around_core(*_as_levels(dark), 10) == decisions[-1]
    assert 300 < sum(decisions) < 5700  # both answers, hundreds of times each


def test_a_drawn_finder_is_a_ring_and_a_broken_core_is_not():
    dark = np.zeros((40, 40), np.uint8)
    cv2.rectangle(dark, (5, 5), (25, 25), 255, 3)
    cv2.rectangle(dark, (12, 12), (18, 18), 255, -1)
    assert ring_around_core(*_as_levels(dark), 10)
    dark[15, 15] = 0  # the pixel at the ring's centre is light: no core there
    assert not ring_around_core(*_as_levels(dark), 10)


@pytest.mark.parametrize("block", FINDER_BLOCKS)
@pytest.mark.parametrize("seed", range(4))
def test_a_one_pixel_margin_binarises_like_a_wide_one(block, seed):
    gray = np.asarray(poster(None if seed % 2 else "https://u.wechat.com/abc", size=(300, 240), seed=seed)
                      .convert("L").filter(ImageFilter.GaussianBlur(seed)))
    wide = cv2.copyMakeBorder(gray, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    thin = cv2.copyMakeBorder(gray, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    before = cv2.adaptiveThreshold(wide, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, FINDER_DELTA)
    mean = cv2.boxFilter(thin, -1, (block, block), borderType=BORDER)
    now = np.where(thin.astype(np.int16) - mean <= -FINDER_DELTA, 255, 0).astype(np.uint8)
    assert (before[39:-39, 39:-39] == now).all()
    assert not before[:39].any() and not now[0].any()  # the margin itself is never dark


CODE = "https://weixin.qq.com/g/AQYAAHk3Zx8fVb2Qm"


@pytest.mark.parametrize("qr_px", [40, 48, 56, 72])
@pytest.mark.parametrize("angle", [0, 15, 45])
@pytest.mark.parametrize("blur", [0.0, 0.6])
def test_small_rotated_and_blurred_codes_are_seen_as_before(qr_px, angle, blur):
    """480x480 posters whose code has modules of about 1.1-2 px (the size only the slow passes read), turned and
    blurred: the finder check sees every one, as the labelling it replaced did."""
    img = poster(CODE, size=(480, 480), qr_px=qr_px, angle=angle, seed=qr_px + angle, position=(200, 240))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    gray = np.asarray(img.convert("L"))
    assert _reference_gate(gray)
    assert has_finder_patterns(gray)


@pytest.mark.parametrize("seed", range(6))
def test_gate_decides_as_before_on_code_less_images(seed):
    rng = np.random.default_rng(seed)
    gray = np.asarray(Image.effect_noise((480, 480), 20 + 15 * seed).convert("L")) if seed % 2 else (
        np.asarray(poster(None, size=(640, 480), seed=seed).convert("L")))
    gray = np.clip(gray.astype(np.int16) + rng.integers(-20, 20, gray.shape), 0, 255).astype(np.uint8)
    assert has_finder_patterns(gray) == _reference_gate(gray)
