"""Detector discovery: built-ins plus third-party detectors found through the ``qinglang.detectors``
entry-point group. Discovery is separate from enabling: settings say which detectors run."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from qinglang.detectors.base import Detector, DetectorConfig
from qinglang.errors import ConfigError

ENTRY_POINT_GROUP = "qinglang.detectors"

# name -> "module:Class"; imported lazily so that heavy detectors cost nothing until enabled.
BUILTIN_DETECTORS: dict[str, str] = {
    "lexicon": "qinglang.detectors.lexicon.detector:LexiconDetector",
    "contacts": "qinglang.detectors.contacts.detector:ContactsDetector",
    "classifier": "qinglang.detectors.classifier.detector:ClassifierDetector",
    "links": "qinglang.detectors.links.detector:LinksDetector",
    "qr": "qinglang.detectors.qr.detector:QrDetector",
    "phash": "qinglang.detectors.phash.detector:PhashDetector",
    "image": "qinglang.detectors.image.detector:ImageDetector",
    "image_text": "qinglang.detectors.image.ocr:ImageTextDetector",
    "guard": "qinglang.detectors.guard.detector:GuardDetector",
}


def _load_target(target: str) -> type[Detector]:
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Detector)):
        raise ConfigError(f"{target} is not a Detector subclass")
    return cls


def available_detectors() -> dict[str, str]:
    """All discoverable detectors: name -> import target."""
    found = dict(BUILTIN_DETECTORS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def detector_class(name: str) -> type[Detector]:
    targets = available_detectors()
    if name not in targets:
        known = ", ".join(sorted(targets))
        raise ConfigError(f"unknown detector {name!r}; known detectors: {known}", code="unknown_detector")
    return _load_target(targets[name])


def create_detector(name: str, config: DetectorConfig | dict | None = None) -> Detector:
    return detector_class(name)(config)
