"""Text normalisation for evasion handling (pure, no I/O)."""

from qinglang.text.normalize import NormalizedText, normalize, normalize_text

__all__ = ["NormalizedText", "normalize", "normalize_text"]
