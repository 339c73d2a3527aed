"""Failures of the statistics core, returned as values with a stable code and a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """Why figures could not be aggregated, read or traced. ``code`` is stable; ``message`` says what to do."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
