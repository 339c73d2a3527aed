"""Text normalisation for evasion handling (pure, no I/O)."""

from qinglang.text.normalize import EDITION, NormalizedText, normalize, normalize_text

__all__ = ["EDITION", "NormalizedText", "normalize", "normalize_text"]
