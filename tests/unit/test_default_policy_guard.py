"""The shipped policy acts on the optional guard detector's answers, and only above its thresholds."""

from __future__ import annotations

import pytest

from qinglang.domain import DetectorOutcome, Signal, Verdict
from qinglang.policy import default_policy, evaluate


def _decide(label: str, score: float):
    outcome = DetectorOutcome("guard", "1", "ok", (Signal("guard", label, score),))
    return evaluate(default_policy(), [outcome])


@pytest.mark.parametrize(
    ("score", "verdict"), [(0.95, Verdict.BLOCK), (0.6, Verdict.REVIEW), (0.3, Verdict.PASS)]
)
def test_guard_answer_maps_to_verdict_by_its_score(score, verdict):
    decision = _decide("porn", score)
    assert decision.verdict is verdict
    if verdict is not Verdict.PASS:
        assert decision.category.value == "porn"
        assert any(rule.startswith("guard-porn-") for rule in decision.rules)


def test_guard_answer_keeps_its_own_category():
    assert _decide("fraud", 0.95).category.value == "fraud"
