"""The shipped policy samples a grade-A account's minor hits: a content whose sample point falls below
``thresholds.account.high_grade_sample`` goes to review as before, the rest pass labelled ``account/sampled_out``;
a severe hit, another rule's review and any other grade are never sampled out, and the share follows the setting."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain import DetectorOutcome, Signal, Verdict
from qinglang.pipeline.standing import AccountStanding, sample_point, standing_outcome
from qinglang.policy import default_policy, evaluate
from qinglang.policy.loader import parse_policy

RATE = default_policy().thresholds["account"]["high_grade_sample"]
IDS = [f"art-{i}" for i in range(400)]
IN_SAMPLE = next(i for i in IDS if sample_point(i) < RATE)
OUT_OF_SAMPLE = next(i for i in IDS if sample_point(i) >= RATE)


def _term(label: str = "gambling", severity: int = 2) -> Signal:
    return Signal("lexicon", label, 0.55, severity=severity, attrs={"terms": ["下注"]})


def _handle(severity: int = 2) -> Signal:
    return Signal("contacts", "drainage/wechat_id", 0.85, severity=severity)


def _decide(content_id: str, signals: list[Signal], grade: str | None = "A", policy=None, extra=()):
    outcomes = [DetectorOutcome("lexicon", "1", "ok", tuple(s for s in signals if s.detector == "lexicon")),
                DetectorOutcome("contacts", "1", "ok", tuple(s for s in signals if s.detector == "contacts")),
                *extra, standing_outcome(AccountStanding("acc-a", grade=grade), content_id)]
    return evaluate(policy or default_policy(), outcomes)


def _labels(decision) -> set[str]:
    return {label.label for label in decision.labels}


@pytest.mark.parametrize("signal", [_term("gambling"), _term("porn/vulgar"), _term("abuse"), _handle()],
                         ids=["gambling", "porn", "abuse", "contact"])
def test_a_grade_a_minor_hit_in_the_sample_goes_to_review(signal):
    decision = _decide(IN_SAMPLE, [signal])
    assert decision.verdict is Verdict.REVIEW and "account/sampled_out" not in _labels(decision)


@pytest.mark.parametrize("signal", [_term("gambling"), _term("porn/vulgar"), _term("abuse"), _handle()],
                         ids=["gambling", "porn", "abuse", "contact"])
def test_a_grade_a_minor_hit_outside_the_sample_passes_labelled(signal):
    decision = _decide(OUT_OF_SAMPLE, [signal])
    assert decision.verdict is Verdict.PASS
    assert decision.rules == ("account-high-grade-sampled-out",) and _labels(decision) == {"account/sampled_out"}


@pytest.mark.parametrize("signal", [_term("gambling", 3), _term("porn/explicit", 3), _handle(3)],
                         ids=["gambling", "explicit", "disguised-contact"])
def test_a_severe_hit_is_never_sampled_out(signal):
    clean = DetectorOutcome("classifier", "1", "ok", (Signal("classifier", "context/clean", 0.97),))
    decision = _decide(OUT_OF_SAMPLE, [signal], extra=[clean])  # a clean article: review, not block
    assert decision.verdict is not Verdict.PASS and "account/sampled_out" not in _labels(decision)


def test_another_rules_review_is_not_sampled_out():
    classifier = DetectorOutcome("classifier", "1", "ok", (Signal("classifier", "illicit_ad", 0.3),))
    decision = _decide(OUT_OF_SAMPLE, [_term("gambling")], extra=[classifier])
    assert decision.verdict is Verdict.REVIEW and "account/sampled_out" not in _labels(decision)


@pytest.mark.parametrize("grade", ["B", "C", None])
def test_only_grade_a_is_sampled(grade):
    assert _decide(OUT_OF_SAMPLE, [_term()], grade=grade).verdict is Verdict.REVIEW


def test_a_hit_that_passes_anyway_is_not_labelled_sampled_out():
    decision = _decide(OUT_OF_SAMPLE, [Signal("lexicon", "abuse/mild", 0.3, severity=1)])
    assert decision.verdict is Verdict.PASS and decision.rules == ()


def _policy_with_rate(rate: float):
    text = resources.files("qinglang.policy").joinpath("default.yaml").read_text("utf-8")
    changed = text.replace(f"high_grade_sample: {RATE}", f"high_grade_sample: {rate}")
    assert changed != text
    policy, issues = parse_policy(changed)
    assert policy is not None, issues
    return policy


@pytest.mark.parametrize("rate", [0.0, 0.5, 1.0])
def test_the_share_sent_to_review_follows_the_setting(rate):
    policy = _policy_with_rate(rate)
    reviewed = sum(_decide(i, [_term()], policy=policy).verdict is Verdict.REVIEW for i in IDS)
    assert abs(reviewed / len(IDS) - rate) <= 0.08


@given(st.text(min_size=1, max_size=40))
def test_one_content_is_always_sampled_the_same_way(content_id):
    first, again = _decide(content_id, [_term()]), _decide(content_id, [_term()])
    assert first.verdict is again.verdict
    assert (first.verdict is Verdict.REVIEW) == (sample_point(content_id) < RATE)


def test_a_mild_term_the_classifier_agrees_with_is_a_minor_hit_and_sampled_like_one():
    mild = Signal("lexicon", "abuse", 0.3, severity=1, attrs={"terms": ["傻逼"]})  # one mild term: not minor alone
    leaning = DetectorOutcome("classifier", "1", "ok", (Signal("classifier", "abuse", 0.3),))
    assert _decide(IN_SAMPLE, [mild], extra=[leaning]).verdict is Verdict.REVIEW
    out = _decide(OUT_OF_SAMPLE, [mild], extra=[leaning])
    assert out.verdict is Verdict.PASS and _labels(out) == {"account/sampled_out"}
