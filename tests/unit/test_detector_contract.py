"""Every discoverable detector passes the detector contract; the contract itself catches broken detectors."""

from __future__ import annotations

import functools
import itertools
from typing import ClassVar

import pytest
from pydantic import ConfigDict

from qinglang.detectors.base import Detector, DetectorConfig, PreparedContent
from qinglang.detectors.registry import available_detectors, detector_class
from qinglang.domain import Evidence, Signal
from qinglang.errors import QinglangError
from qinglang.testing.detector_contract import (
    CHECKS,
    ContractViolation,
    DetectorContract,
    run_contract,
    sample_contents,
)


@functools.cache
def _load_problem(name: str) -> str | None:
    """Why the registered detector cannot run here (its module does not import, its resources are missing)."""
    try:
        detector_class(name)().load()
    except ImportError as exc:
        return f"detector {name!r} ({available_detectors()[name]}) does not import: {exc}"
    except QinglangError as exc:
        return f"detector {name!r} does not load: [{exc.code}] {exc.message}"
    return None


def _registered_class(name: str) -> type[Detector]:
    problem = _load_problem(name)
    if problem is not None:
        pytest.skip(problem)
    return detector_class(name)


@pytest.mark.parametrize("name", sorted(available_detectors()))
def test_registered_detector_is_named_as_registered(name):
    assert _registered_class(name).name == name


@pytest.mark.parametrize(("name", "check"), list(itertools.product(sorted(available_detectors()), sorted(CHECKS))))
def test_registered_detector_passes_contract(name, check):
    CHECKS[check](_registered_class(name), None, ())


# --- the contract on detectors written to pass or break it ------------------------------------------------------


class _SpotConfig(DetectorConfig):
    term: str = "加我"


class SpotDetector(Detector):
    """Reports every occurrence of one term, with its span in the original text."""

    name = "spot"
    version = "1"
    config_class = _SpotConfig

    def detect(self, content: PreparedContent) -> list[Signal]:
        return [self._signal(field, text) for field, text in content.fields.items() if self.config.term in text]

    def _signal(self, field: str, text: str) -> Signal:
        start = text.index(self.config.term)
        end = start + len(self.config.term)
        evidence = Evidence(kind="text_span", field=field, start=start, end=end, text=text[start:end])
        return Signal(detector=self.name, label="drainage/lure", score=0.9, evidence=(evidence,), severity=2)


class TestSpotDetectorContract(DetectorContract):
    detector_class = SpotDetector


def test_well_behaved_detector_finds_its_term_in_the_samples():
    detector = SpotDetector()
    hits = [signal for content in sample_contents() for signal in detector.detect(content)]
    assert hits, "the samples must contain a drainage lure for the contract to exercise evidence checks"
    run_contract(SpotDetector)


class _LenientConfig(DetectorConfig):
    model_config = ConfigDict(extra="allow", frozen=True)


class LenientConfigDetector(SpotDetector):
    config_class: ClassVar = _LenientConfig

    def detect(self, content):
        return []


class NormalisedOffsetsDetector(SpotDetector):
    """Wrong on purpose: reports offsets of the term in the whitespace-stripped text."""

    def detect(self, content):
        text = content.fields["text"].replace(" ", "")
        if "薇信" not in text:
            return []
        start = text.index("薇信")
        evidence = Evidence(kind="text_span", field="text", start=start, end=start + 2, text="薇信")
        return [Signal(detector=self.name, label="drainage", score=0.5, evidence=(evidence,))]


class MutatingDetector(SpotDetector):
    def detect(self, content):
        content.fields["text"] = content.fields["text"].upper()
        return []


class CountingDetector(SpotDetector):
    """Wrong on purpose: its score depends on how many items it has seen."""

    seen = 0

    def detect(self, content):
        type(self).seen += 1
        return [Signal(detector=self.name, label="drainage", score=min(1.0, self.seen / 100))]


class OverconfidentDetector(SpotDetector):
    def detect(self, content):
        return [Signal(detector=self.name, label="porn", score=1.5)] if content.fields["text"] else []


class MisnamedSignalsDetector(SpotDetector):
    def detect(self, content):
        return [Signal(detector="someone-else", label="porn", score=0.5)]


class UnnamedDetector(SpotDetector):
    name = ""


@pytest.mark.parametrize(
    ("broken", "check", "message"),
    [
        (LenientConfigDetector, "config_rejects_unknown_keys", "unknown config key"),
        (NormalisedOffsetsDetector, "signals_are_well_formed", "is not the original text"),
        (MutatingDetector, "detect_does_not_mutate_input", "changed its input"),
        (CountingDetector, "detect_is_deterministic", "different signals"),
        (OverconfidentDetector, "signals_are_well_formed", "within [0, 1]"),
        (MisnamedSignalsDetector, "signals_are_well_formed", "signal.detector"),
        (UnnamedDetector, "declares_name_and_version", "name must be a non-empty string"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_contract_rejects_a_broken_detector(broken, check, message):
    with pytest.raises(ContractViolation, match=message.replace("[", r"\[").replace("]", r"\]")):
        CHECKS[check](broken, None, ())
