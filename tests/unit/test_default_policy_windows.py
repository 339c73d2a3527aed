"""The shipped policy: one window of a long text alone reviews, and blocks only above every clean long text."""

from __future__ import annotations

import pytest

from qinglang.domain import DetectorOutcome, Signal, Verdict
from qinglang.policy import default_policy, evaluate

POLICY = default_policy()
HARM = ("porn", "illicit_ad", "gambling", "fraud", "abuse")


def _decide(*signals: Signal):
    return evaluate(POLICY, [DetectorOutcome("classifier", "1.2", "ok", signals)])


def _threshold(kind: str, category: str) -> float:
    return POLICY.thresholds["classifier"][kind][category]


STRICTER = [c for c in HARM if _threshold("window_block", c) > _threshold("block", c)]


def test_the_window_bar_is_above_the_block_threshold_for_most_classes():
    assert len(STRICTER) >= 3


@pytest.mark.parametrize("category", STRICTER)
def test_one_window_at_the_block_threshold_is_reviewed_not_blocked(category):
    decision = _decide(Signal("classifier", f"window/{category}", _threshold("block", category)))
    assert decision.verdict is Verdict.REVIEW and decision.category.value == category
    assert f"classifier-{category.replace('_', '-')}-review" in decision.rules


@pytest.mark.parametrize("category", HARM)
def test_one_window_at_the_window_bar_blocks(category):
    decision = _decide(Signal("classifier", f"window/{category}", _threshold("window_block", category)))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == category


@pytest.mark.parametrize("category", HARM)
def test_what_two_windows_agree_on_blocks_at_the_block_threshold(category):
    decision = _decide(Signal("classifier", category, _threshold("block", category)),
                       Signal("classifier", f"window/{category}", 0.99))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == category


@pytest.mark.parametrize("category", HARM)
def test_one_window_below_review_passes(category):
    below = round(_threshold("review", category) - 0.01, 2)
    assert _decide(Signal("classifier", f"window/{category}", below)).verdict is Verdict.PASS


def test_the_window_bar_is_never_below_the_block_threshold():
    assert all(_threshold("window_block", c) >= _threshold("block", c) for c in HARM)
