"""NudeNet 320n (ONNX, YOLOv8-style, 18 body-part classes) run with onnxruntime on the CPU.

The model file ships inside the optional ``nudenet`` package (installed without its opencv dependency);
we read only its ``320n.onnx`` and do the pre/post-processing here with Pillow and numpy.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = (
    "FEMALE_GENITALIA_COVERED",
    "FACE_FEMALE",
    "BUTTOCKS_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "FEET_EXPOSED",
    "BELLY_COVERED",
    "FEET_COVERED",
    "ARMPITS_COVERED",
    "ARMPITS_EXPOSED",
    "FACE_MALE",
    "BELLY_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "ANUS_COVERED",
    "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)
EXPLICIT = frozenset(
    {"FEMALE_GENITALIA_EXPOSED", "MALE_GENITALIA_EXPOSED", "ANUS_EXPOSED", "FEMALE_BREAST_EXPOSED", "BUTTOCKS_EXPOSED"}
)
SIZE = 320


@dataclass(frozen=True, slots=True)
class Detection:
    label: str
    score: float
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


def default_model_path() -> Path | None:
    spec = importlib.util.find_spec("nudenet")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "320n.onnx"
    return path if path.is_file() else None


class NudityModel:
    def __init__(self, model_path: Path, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def detect(self, img: Image.Image, min_score: float = 0.25) -> list[Detection]:
        blob, scale = _prepare(img)
        output = self._session.run(None, {self._input: blob})[0]
        return _postprocess(output, scale, img.size, min_score)


def _prepare(img: Image.Image) -> tuple[np.ndarray, float]:
    w, h = img.size
    side = max(w, h)
    canvas = Image.new("RGB", (side, side))
    canvas.paste(img.convert("RGB"), (0, 0))
    arr = np.asarray(canvas.resize((SIZE, SIZE), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    return np.ascontiguousarray(arr.transpose(2, 0, 1)[None]), side / SIZE


def _postprocess(output: np.ndarray, scale: float, size: tuple[int, int], min_score: float) -> list[Detection]:
    rows = np.squeeze(output).T  # (N, 4 + classes)
    scores = rows[:, 4:].max(axis=1)
    keep = scores >= min_score
    rows, scores = rows[keep], scores[keep]
    if not len(rows):
        return []
    classes = rows[:, 4:].argmax(axis=1)
    cx, cy, bw, bh = (rows[:, i] * scale for i in range(4))
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
    boxes = np.clip(boxes, 0, [size[0], size[1], size[0], size[1]])
    out = []
    for i in _nms(boxes, scores, 0.45):
        out.append(Detection(CLASSES[classes[i]], float(scores[i]), tuple(int(v) for v in boxes[i])))
    return out


def _nms(boxes: np.ndarray, scores: np.ndarray, iou_max: float) -> list[int]:
    order = list(np.argsort(-scores))
    kept: list[int] = []
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while order:
        i = order.pop(0)
        kept.append(i)
        xx0 = np.maximum(boxes[i, 0], boxes[order, 0])
        yy0 = np.maximum(boxes[i, 1], boxes[order, 1])
        xx1 = np.minimum(boxes[i, 2], boxes[order, 2])
        yy1 = np.minimum(boxes[i, 3], boxes[order, 3])
        inter = np.clip(xx1 - xx0, 0, None) * np.clip(yy1 - yy0, 0, None)
        iou = inter / (area[i] + area[order] - inter + 1e-9)
        order = [j for j, v in zip(order, iou, strict=True) if v <= iou_max]
    return kept
