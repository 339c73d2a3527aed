"""Pure domain types shared by every layer. No web or database imports here."""

from qinglang.domain.model import (
    Category,
    ContentItem,
    Decision,
    DetectorOutcome,
    Evidence,
    ImageRef,
    LabelResult,
    ListKind,
    Signal,
    Verdict,
)

__all__ = [
    "Category",
    "ContentItem",
    "Decision",
    "DetectorOutcome",
    "Evidence",
    "ImageRef",
    "LabelResult",
    "ListKind",
    "Signal",
    "Verdict",
]
