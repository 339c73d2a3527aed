"""The screening pipeline: prepare -> detectors (in sequence) -> register stage -> policy (live and shadow).

Every detector call is wrapped: an exception becomes a ``failed`` outcome, which the policy never reads as
clean. Pure apart from the detectors' own ``load()``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qinglang.detectors.base import Detector, PreparedContent
from qinglang.domain import ContentItem, Decision, DetectorOutcome, Signal
from qinglang.pipeline.prepare import prepare
from qinglang.pipeline.register import REGISTER, RegisterSnapshot
from qinglang.pipeline.standing import AccountStanding, standing_outcome
from qinglang.policy import Policy, default_policy, evaluate, load_policy

if TYPE_CHECKING:
    from qinglang.config import ScreeningSettings

REGISTER_VERSION = "1"


@dataclass(frozen=True)
class ScreeningResult:
    """The live decision, the shadow policy's decision (never acted on) and the prepared content."""

    decision: Decision
    shadow: Decision | None
    prepared: PreparedContent


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def run_detector(detector: Detector, prepared: PreparedContent) -> DetectorOutcome:
    """Run one detector; any exception or malformed output becomes a ``failed`` outcome. A detector whose config
    says ``enabled: false`` is ``skipped``."""
    if not getattr(detector.config, "enabled", True):
        return DetectorOutcome(detector.name, detector.version, "skipped")
    started = time.perf_counter()
    try:
        detector.ensure_loaded()
        signals = tuple(detector.detect(prepared))
        bad = next((s for s in signals if not isinstance(s, Signal) or not 0.0 <= s.score <= 1.0), None)
        if bad is not None:
            raise TypeError(f"detector returned an invalid signal: {bad!r}"[:300])
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001 - a failing detector must be recorded, never crash the pipeline
        signals, status, error = (), "failed", _error_text(exc)
    elapsed = (time.perf_counter() - started) * 1000
    return DetectorOutcome(detector.name, detector.version, status, signals, error, round(elapsed, 3))


def apply_register(
    register: RegisterSnapshot, prepared: PreparedContent, outcomes: Sequence[DetectorOutcome]
) -> list[DetectorOutcome]:
    """Drop signals whose target is allow-listed and append the register stage's own outcome."""
    started = time.perf_counter()
    try:
        kept = [replace(o, signals=tuple(s for s in o.signals if not register.allows(s))) for o in outcomes]
        signals = [s for o in kept if o.status == "ok" for s in o.signals]
        found = register.match(prepared, signals)
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001 - same contract as detectors
        kept, found, status, error = list(outcomes), [], "failed", _error_text(exc)
    elapsed = round((time.perf_counter() - started) * 1000, 3)
    return [*kept, DetectorOutcome(REGISTER, REGISTER_VERSION, status, tuple(found), error, elapsed)]


def freeze_loaded_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's generations (``gc.freeze``).

    Call once per process, after the screener has loaded, before it serves: the detectors' tables, the model and
    the compiled policy live as long as the process, and without this every full collection during screening
    walks them again. Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


class Screener:
    """Screens content items with a fixed set of detectors and a live (and optional shadow) policy."""

    def __init__(self, detectors: Sequence[Detector], policy: Policy, *, shadow: Policy | None = None):
        names = [d.name for d in detectors]
        if len(set(names)) != len(names):
            raise ValueError(f"each detector may run once per screener, got {names}")
        self.detectors = tuple(detectors)
        self.policy = policy
        self.shadow = shadow

    @classmethod
    def from_settings(cls, screening: ScreeningSettings) -> Screener:
        """Detectors from the registry, the configured policy (the shipped default when none is set)."""
        from qinglang.detectors.registry import create_detector

        policy = load_policy(screening.policy_path) if screening.policy_path else default_policy()
        shadow = load_policy(screening.shadow_policy_path) if screening.shadow_policy_path else None
        detectors = [create_detector(n, screening.detector_config.get(n)) for n in screening.detectors]
        return cls(detectors, policy, shadow=shadow)

    def load(self) -> dict[str, str]:
        """Load every detector now; returns detector name -> error for those that failed to load."""
        failures = {}
        for detector in self.detectors:
            try:
                detector.ensure_loaded()
            except Exception as exc:  # noqa: BLE001 - reported to the caller, and again per item
                failures[detector.name] = _error_text(exc)
        return failures

    def screen(self, item: ContentItem, *, register: RegisterSnapshot | None = None,
               standing: AccountStanding | None = None) -> ScreeningResult:
        """Screen ``item``; ``standing`` (the account behind it) adds the account stage's signals before the
        register stage, so the policy can read the account's status and grade and the register its operator."""
        prepared = prepare(item)
        outcomes = [run_detector(d, prepared) for d in self.detectors]
        if standing is not None:
            outcomes.append(standing_outcome(standing, item.id))
        if register is not None:
            outcomes = apply_register(register, prepared, outcomes)
        decision = evaluate(self.policy, outcomes)
        shadow = evaluate(self.shadow, outcomes) if self.shadow is not None else None
        return ScreeningResult(decision, shadow, prepared)
