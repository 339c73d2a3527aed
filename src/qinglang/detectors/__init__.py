"""Detectors: plug-ins that turn content into signals. One detector, one folder."""

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.detectors.registry import available_detectors, create_detector

__all__ = ["Detector", "DetectorConfig", "PreparedContent", "available_detectors", "create_detector"]
