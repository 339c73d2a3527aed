"""The shipped policy: a lone lexicon term in an item the classifier reads as clean goes to review, not block."""

from __future__ import annotations

import pytest

from qinglang.domain import DetectorOutcome, Signal, Verdict
from qinglang.policy import default_policy, evaluate


def _decide(lexicon: list[Signal], classifier: list[Signal]):
    outcomes = [DetectorOutcome("lexicon", "1", "ok", tuple(lexicon)),
                DetectorOutcome("classifier", "1", "ok", tuple(classifier))]
    return evaluate(default_policy(), outcomes)


def _term(label: str, severity: int, score: float = 0.8) -> Signal:
    return Signal("lexicon", label, score, severity=severity, attrs={"terms": ["色情小说"]})


@pytest.mark.parametrize("label", ["porn/explicit", "porn/vulgar", "gambling", "fraud", "illicit_ad", "abuse"])
def test_a_lone_severe_term_in_a_clean_article_is_reviewed_not_blocked(label):
    decision = _decide([_term(label, 3)], [Signal("classifier", "context/clean", 0.97)])
    assert decision.verdict is Verdict.REVIEW
    assert decision.category.value == label.split("/")[0]


def test_the_same_term_without_the_context_signal_still_blocks():
    assert _decide([_term("porn/explicit", 3)], []).verdict is Verdict.BLOCK


def test_a_term_in_an_article_the_classifier_doubts_still_blocks():
    context = Signal("classifier", "context/clean", 0.6)
    assert _decide([_term("porn/explicit", 3)], [context]).verdict is Verdict.BLOCK


def test_several_terms_block_even_in_a_clean_article():
    many = _term("gambling", 2, score=0.95)
    decision = _decide([many], [Signal("classifier", "context/clean", 0.97)])
    assert decision.verdict is Verdict.BLOCK


@pytest.mark.parametrize("category", ["porn", "abuse"])
def test_a_mild_term_the_classifier_agrees_with_goes_to_review(category):
    label = "porn/vulgar" if category == "porn" else "abuse"
    decision = _decide([_term(label, 1, score=0.3)], [Signal("classifier", category, 0.3)])
    assert decision.verdict is Verdict.REVIEW and decision.category.value == category
    assert f"classifier-lexicon-{category}-agree-review" in decision.rules


@pytest.mark.parametrize("category", ["porn", "abuse"])
def test_either_weak_signal_alone_passes(category):
    label = "porn/vulgar" if category == "porn" else "abuse"
    assert _decide([_term(label, 1, score=0.3)], []).verdict is Verdict.PASS
    assert _decide([], [Signal("classifier", category, 0.3)]).verdict is Verdict.PASS


def test_the_classifier_must_agree_on_the_same_category():
    decision = _decide([_term("abuse", 1, score=0.3)], [Signal("classifier", "porn", 0.3)])
    assert decision.verdict is Verdict.PASS
