"""The detector plug-in interface.

A detector is an instance with a declared ``name`` and ``version``, a typed config (a pydantic model),
``load()`` for heavy resources (import heavy libraries there, not at module top) and a side-effect-free
``detect()``. Detectors never do I/O in ``detect()`` except reading the images handed to them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from qinglang.domain import ContentItem, Signal


class DetectorConfig(BaseModel):
    """Base for typed detector configs. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True


@dataclass(frozen=True, slots=True)
class PreparedContent:
    """A content item plus the text fields detectors scan, computed once per item.

    ``fields`` maps a field name (``title``, ``text``) to its ORIGINAL text; evidence offsets point into these.
    When the item only has HTML, ``text`` is the visible text extracted from it.
    """

    item: ContentItem
    fields: dict[str, str]


class Detector(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    config_class: ClassVar[type[DetectorConfig]] = DetectorConfig

    def __init__(self, config: DetectorConfig | dict | None = None):
        if config is None:
            config = self.config_class()
        elif isinstance(config, dict):
            config = self.config_class.model_validate(config)
        self.config = config
        self._loaded = False

    def load(self) -> None:
        """Load heavy resources (models, lexicons). Idempotent. Called once before the first ``detect``."""
        self._loaded = True

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.load()
            self._loaded = True

    @abstractmethod
    def detect(self, content: PreparedContent) -> list[Signal]:
        """Return signals for one prepared content item. Must not mutate shared state."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}@{self.version}>"
