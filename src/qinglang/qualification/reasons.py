"""A reason: one statement a person reads, in Chinese and in English, with a stable code a program reads.

Assessments, refusals and explanations all return reasons rather than bare strings, so the console can show the
Chinese text first (and English on request, like its i18n), the API can carry both, and tests can check the code
without depending on the wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Reason:
    """``code`` is stable (snake_case); ``zh`` and ``en`` say the same thing; ``data`` holds the figures."""

    code: str
    zh: str
    en: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """The statement in ``lang`` (``zh`` or ``en``)."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGUAGES)}")
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "zh": self.zh, "en": self.en}
        if self.data:
            out["data"] = dict(self.data)
        return out
