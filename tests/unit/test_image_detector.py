"""The optional pornographic-image detector (NudeNet 320n ONNX): post-processing, a clear error when the
model is missing, and a clean poster passing."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.image.detector import ImageDetector
from qinglang.detectors.image.nudity import CLASSES, _postprocess, default_model_path
from qinglang.domain import ContentItem, ImageRef
from qinglang.errors import ConfigError


def test_postprocess_keeps_confident_boxes_scaled_to_the_image_and_suppresses_overlaps():
    rows = np.zeros((4 + len(CLASSES), 3), dtype=np.float32)
    exposed = CLASSES.index("FEMALE_BREAST_EXPOSED")
    rows[:4, 0] = [160, 160, 100, 100]
    rows[4 + exposed, 0] = 0.9
    rows[:4, 1] = [162, 161, 100, 100]  # overlaps the first: suppressed
    rows[4 + exposed, 1] = 0.8
    rows[:4, 2] = [50, 50, 20, 20]
    rows[4 + CLASSES.index("FACE_FEMALE"), 2] = 0.1  # below min_score
    detections = _postprocess(rows[None], scale=2.0, size=(640, 640), min_score=0.25)
    assert [(d.label, round(d.score, 2), d.box) for d in detections] == [
        ("FEMALE_BREAST_EXPOSED", 0.9, (220, 220, 420, 420))
    ]


def test_missing_model_is_a_clear_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        ImageDetector({"model_path": str(tmp_path / "none.onnx")}).load()
    assert info.value.code == "detector_model_missing"


@pytest.mark.skipif(default_model_path() is None, reason="nudenet (model file) not installed")
def test_clean_poster_gives_no_explicit_signal():
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 220, 240)).save(buf, "PNG")
    item = ContentItem(id="c", images=(ImageRef("clean.png", buf.getvalue()),))
    detector = ImageDetector()
    detector.load()
    assert detector.detect(PreparedContent(item, {})) == []


@pytest.mark.skipif(default_model_path() is None, reason="nudenet (model file) not installed")
def test_model_runs_offline_and_returns_boxes_inside_the_image():
    from qinglang.detectors.image.nudity import NudityModel

    model = NudityModel(default_model_path())
    img = Image.effect_noise((500, 300), 90).convert("RGB")
    for d in model.detect(img, min_score=0.0001):
        x0, y0, x1, y1 = d.box
        assert 0 <= x0 <= x1 <= 500 and 0 <= y0 <= y1 <= 300
