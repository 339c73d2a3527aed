"""Carrier rules: a handle, link or QR code is the way out of a text, not what the text is about. A gambling post
with a QQ number is a gambling post; a bare handle next to a lure is drainage."""

from __future__ import annotations

import pickle

import pytest

from qinglang.domain import DetectorOutcome, Signal, Verdict
from qinglang.policy import default_policy, evaluate, parse_policy

POLICY_TEXT = """
id: carriers
version: "1"
rules:
  - id: handle-with-lure-block
    when: [{signal: contacts.drainage/qq}, {signal: contacts.drainage/lure}]
    then: {verdict: block, category: illicit_ad, label: illicit_ad/drainage, carrier: true}
  - id: handle-review
    when: {signal: contacts.drainage/qq}
    then: {verdict: review, category: illicit_ad, label: illicit_ad/drainage, carrier: true}
  - id: gambling-block
    when: {signal: classifier.gambling, min_score: 0.6}
    then: {verdict: block, category: gambling, label: gambling}
  - id: gambling-review
    when: {signal: classifier.gambling, min_score: 0.3}
    then: {verdict: review, category: gambling, label: gambling}
  - id: porn-review
    when: {signal: classifier.porn, min_score: 0.3}
    then: {verdict: review, category: porn, label: porn}
"""


def _policy():
    policy, issues = parse_policy(POLICY_TEXT)
    assert policy is not None, issues
    return policy


def _decide(policy, *signals: Signal):
    by_detector: dict[str, list[Signal]] = {}
    for s in signals:
        by_detector.setdefault(s.detector, []).append(s)
    return evaluate(policy, [DetectorOutcome(d, "1", "ok", tuple(sig)) for d, sig in by_detector.items()])


QQ = Signal("contacts", "drainage/qq", 0.95, severity=2)
LURE = Signal("contacts", "drainage/lure", 0.3, severity=1)


def test_a_carrier_alone_gives_its_own_category():
    decision = _decide(_policy(), QQ)
    assert decision.verdict is Verdict.REVIEW and decision.category.value == "illicit_ad"


def test_what_the_text_is_about_outranks_a_higher_scoring_carrier():
    decision = _decide(_policy(), QQ, Signal("classifier", "gambling", 0.4))
    assert decision.category.value == "gambling"
    assert {"illicit_ad/drainage", "gambling"} <= {label.label for label in decision.labels}


def test_a_content_rule_as_strong_as_a_blocking_carrier_takes_the_category():
    decision = _decide(_policy(), QQ, LURE, Signal("classifier", "gambling", 0.7))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == "gambling"


def test_a_weaker_content_rule_leaves_a_blocking_carrier_its_category():
    """A handle next to 看全集 blocks as drainage; a gambling score that only reaches review does not say what the
    teaser is about."""
    decision = _decide(_policy(), QQ, LURE, Signal("classifier", "gambling", 0.4))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == "illicit_ad"


def test_among_content_rules_the_highest_score_wins_as_before():
    decision = _decide(_policy(), QQ, Signal("classifier", "gambling", 0.4), Signal("classifier", "porn", 0.5))
    assert decision.category.value == "porn"


def test_a_content_signal_below_its_rule_leaves_the_carrier_category():
    decision = _decide(_policy(), QQ, Signal("classifier", "gambling", 0.2))
    assert decision.category.value == "illicit_ad"


def test_a_carrier_rule_survives_pickling():
    policy = _policy()
    rule = pickle.loads(pickle.dumps(policy.rules[0]))
    assert rule.carrier and rule == policy.rules[0]


@pytest.mark.parametrize("value, message", [
    ('"yes"', "'carrier' must be true or false"),
    ("1", "'carrier' must be true or false"),
])
def test_carrier_must_be_a_boolean(value, message):
    text = POLICY_TEXT.replace("carrier: true", f"carrier: {value}")
    policy, issues = parse_policy(text)
    assert policy is None and any(message in i.message for i in issues)


def test_a_carrier_needs_a_category_to_fall_back_on():
    text = POLICY_TEXT.replace("category: illicit_ad, label: illicit_ad/drainage, carrier: true",
                               "label: illicit_ad/drainage, carrier: true")
    policy, issues = parse_policy(text)
    assert policy is None and any("needs a category" in i.message for i in issues)


def test_the_shipped_policy_marks_every_drainage_rule_and_nothing_else_a_carrier():
    rules = default_policy().rules
    carriers = {r.id for r in rules if r.carrier}
    drainage = {r.id for r in rules if r.label == "illicit_ad/drainage"}
    assert carriers == drainage and len(carriers) >= 10


def test_the_shipped_policy_files_a_gambling_ad_with_a_qq_number_as_gambling():
    policy = default_policy()
    block = policy.thresholds["classifier"]["block"]["gambling"]
    decision = _decide(policy, QQ, Signal("classifier", "gambling", block))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == "gambling"
    assert "illicit_ad/drainage" in {label.label for label in decision.labels}


def test_the_shipped_policy_still_calls_a_bare_handle_with_a_lure_drainage():
    policy = default_policy()
    decision = _decide(policy, QQ, Signal("contacts", "drainage/lure", 0.3, severity=1))
    assert decision.verdict is Verdict.BLOCK and decision.category.value == "illicit_ad"


GAMBLING_TLD = Signal("links", "link/gambling_tld", 0.5, severity=1)


def test_the_shipped_policy_files_a_link_on_a_gambling_suffix_as_gambling():
    """knowledge.py: gambling sites use .top and .vip; a plain link there goes to a person as gambling."""
    decision = _decide(default_policy(), Signal("links", "link/url", 0.5, severity=1), GAMBLING_TLD)
    assert decision.verdict is Verdict.REVIEW and decision.category.value == "gambling"
    assert "links-gambling-tld-review" in decision.rules


def test_a_gambling_suffix_beside_a_handle_and_lure_stays_drainage():
    decision = _decide(default_policy(), QQ, LURE, GAMBLING_TLD)
    assert decision.verdict is Verdict.BLOCK and decision.category.value == "illicit_ad"

