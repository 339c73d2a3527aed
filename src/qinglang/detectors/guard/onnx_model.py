"""A local ONNX text model for the ``guard`` detector (contract in this folder's README).

Input ``input_ids`` int64 [batch, seq]: Unicode code points of the normalised text, truncated to ``max_chars``
and clipped to ``vocab_size - 1``. Output ``logits`` float32 [batch, n_classes]; the softmax is applied here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qinglang.errors import ConfigError, DetectorFailed
from qinglang.text.normalize import normalize_text


def encode(text: str, max_chars: int, vocab_size: int) -> np.ndarray:
    """Code points of the normalised text as a [1, seq] int64 array (never empty: an empty text is one 0)."""
    ids = [min(ord(ch), vocab_size - 1) for ch in normalize_text(text)[:max_chars]] or [0]
    return np.asarray([ids], dtype=np.int64)


def softmax_row(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max())
    return z / z.sum()


class OnnxGuardModel:
    """Runs one local ``.onnx`` file with onnxruntime on the CPU."""

    backend = "onnx"

    def __init__(self, path: str, classes: Sequence[str], max_chars: int, vocab_size: int):
        self.path = Path(path)
        self.classes = tuple(classes)
        self.max_chars = max_chars
        self.vocab_size = vocab_size
        self.session = None

    def load(self) -> None:
        if not self.path.is_file():
            raise ConfigError(
                f"guard model file {str(self.path)!r} does not exist; set screening.detector_config.guard.model_path to a local .onnx file",
                code="guard_model_missing",
            )
        import onnxruntime

        try:
            self.session = onnxruntime.InferenceSession(str(self.path), providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for unreadable graphs
            raise ConfigError(
                f"guard model {str(self.path)!r} is not a readable ONNX model ({exc}); export it again",
                code="guard_model_invalid",
            ) from exc
        self._check_signature()

    def _check_signature(self) -> None:
        inputs = [i.name for i in self.session.get_inputs()]
        outputs = [o.name for o in self.session.get_outputs()]
        if "input_ids" not in inputs or "logits" not in outputs:
            raise ConfigError(
                f"guard model {str(self.path)!r} has inputs {inputs} and outputs {outputs}; "
                "it needs an int64 input 'input_ids' and a float output 'logits' (see the guard README)",
                code="guard_model_invalid",
            )

    def scores(self, text: str) -> dict[str, float]:
        """Class probabilities for one text, in ``classes`` order."""
        (logits,) = self.session.run(["logits"], {"input_ids": encode(text, self.max_chars, self.vocab_size)})
        row = np.asarray(logits, dtype=np.float64).reshape(-1)
        if row.shape[0] != len(self.classes):
            raise DetectorFailed(f"guard model returned {row.shape[0]} logits for {len(self.classes)} classes")
        return {c: float(p) for c, p in zip(self.classes, softmax_row(row), strict=True)}
