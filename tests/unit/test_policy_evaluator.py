"""Policy evaluation: verdicts, categories, scores, labels, failures, manual overrides."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain import Category, DetectorOutcome, Evidence, Signal, Verdict
from qinglang.policy import default_policy, evaluate, parse_policy


def sig(ref: str, score: float = 0.9, severity: int = 0, **attrs) -> Signal:
    detector, label = ref.split(".", 1)
    ev = Evidence(kind="text_span", field="text", start=0, end=2, text=label[:2])
    return Signal(detector, label, score, (ev,), severity, attrs)


def ok(detector: str, *signals: Signal) -> DetectorOutcome:
    return DetectorOutcome(detector, "1", "ok", tuple(signals))


def failed(detector: str) -> DetectorOutcome:
    return DetectorOutcome(detector, "1", "failed", (), "RuntimeError: boom")


def by_detector(*signals: Signal) -> list[DetectorOutcome]:
    names = dict.fromkeys(s.detector for s in signals)
    return [ok(n, *[s for s in signals if s.detector == n]) for n in names]


def policy(yaml_text: str):
    result, issues = parse_policy(yaml_text)
    assert result is not None, issues
    return result


SIMPLE = policy(
    """
id: t
version: 2
rules:
  - id: porn-block
    when: {signal: lexicon.porn, min_severity: 3}
    then: {verdict: block, category: porn, label: porn/explicit}
  - id: porn-review
    when: {signal: lexicon.porn}
    then: {verdict: review, category: porn}
  - id: gambling-review
    when: {signal: lexicon.gambling, count: 2}
    then: {verdict: review, category: gambling}
  - id: escalate
    when:
      all:
        - {verdict_at_least: review}
        - {signal: contacts.drainage}
    then: {verdict: block, category: illicit_ad, label: illicit_ad/drainage}
"""
)


def test_no_signals_pass_with_category_none():
    d = evaluate(SIMPLE, [ok("lexicon")])
    assert (d.verdict, d.category, d.rules) == (Verdict.PASS, Category.NONE, ())
    assert d.scores["none"] == 1.0 and set(d.scores) == {c.value for c in Category}


def test_label_prefix_matches_sub_labels_and_records_policy_version():
    d = evaluate(SIMPLE, by_detector(sig("lexicon.porn/vulgar", 0.7, 1)))
    assert d.verdict == Verdict.REVIEW and d.category == Category.PORN
    assert d.rules == ("porn-review",)
    assert (d.policy_id, d.policy_version) == ("t", "2")
    assert d.labels[0].label == "porn" and d.labels[0].evidence[0].text == "po"


def test_max_verdict_wins_over_all_fired_rules():
    d = evaluate(SIMPLE, by_detector(sig("lexicon.porn/explicit", 0.95, 3)))
    assert d.verdict == Verdict.BLOCK
    assert d.rules == ("porn-block", "porn-review")
    assert [(lab.label, lab.score) for lab in d.labels] == [("porn", 0.95), ("porn/explicit", 0.95)]


def test_count_needs_that_many_signals():
    one = evaluate(SIMPLE, by_detector(sig("lexicon.gambling/casino")))
    two = evaluate(SIMPLE, by_detector(sig("lexicon.gambling/casino"), sig("lexicon.gambling/lottery")))
    assert one.verdict == Verdict.PASS and two.verdict == Verdict.REVIEW


def test_verdict_at_least_sees_earlier_rules():
    alone = evaluate(SIMPLE, by_detector(sig("contacts.drainage/qq")))
    with_porn = evaluate(SIMPLE, by_detector(sig("contacts.drainage/qq", 0.8), sig("lexicon.porn/vulgar", 0.6, 1)))
    assert alone.verdict == Verdict.PASS
    assert with_porn.verdict == Verdict.BLOCK and "escalate" in with_porn.rules


def test_category_is_highest_scoring_fired_category():
    d = evaluate(SIMPLE, by_detector(sig("lexicon.porn/vulgar", 0.55, 1), sig("lexicon.gambling/a", 0.9),
                                     sig("lexicon.gambling/b", 0.8)))
    assert d.category == Category.GAMBLING
    assert d.scores["gambling"] == 0.9 and d.scores["porn"] == 0.55
    assert abs(d.scores["none"] - 0.1) < 1e-9


def test_category_tie_broken_by_severity():
    d = evaluate(SIMPLE, by_detector(sig("lexicon.porn/vulgar", 0.8, 1), sig("lexicon.gambling/a", 0.8, 2),
                                     sig("lexicon.gambling/b", 0.8, 2)))
    assert d.category == Category.GAMBLING


def test_failed_detector_reviews_even_without_a_rule():
    d = evaluate(SIMPLE, [failed("lexicon")])
    assert d.verdict == Verdict.REVIEW and d.rules == ("detector-failed-floor",)


def test_default_policy_reports_failed_detector_with_its_error():
    d = evaluate(default_policy(), [failed("contacts")])
    assert d.verdict == Verdict.REVIEW and "detector-failed-review" in d.rules
    evidence = d.labels[0].evidence[0]
    assert evidence.kind == "detector_failed" and evidence.detail["error"] == "RuntimeError: boom"


def test_default_policy_blocks_handle_with_lure_and_reviews_lone_handle():
    p = default_policy()
    handle = sig("contacts.drainage/wechat_id", 0.9, target="abc123")
    lure = sig("contacts.drainage/lure", 0.7)
    blocked = evaluate(p, by_detector(handle, lure))
    lone = evaluate(p, by_detector(handle))
    assert (blocked.verdict, blocked.category) == (Verdict.BLOCK, Category.ILLICIT_AD)
    assert blocked.labels[0].label == "illicit_ad/drainage"
    assert (lone.verdict, lone.category) == (Verdict.REVIEW, Category.ILLICIT_AD)


def test_default_policy_classifier_bands_come_from_thresholds():
    p = default_policy()
    review_at = p.thresholds["classifier"]["review"]["porn"]
    block_at = p.thresholds["classifier"]["block"]["porn"]
    assert evaluate(p, by_detector(sig("classifier.porn", review_at - 0.01))).verdict == Verdict.PASS
    assert evaluate(p, by_detector(sig("classifier.porn", review_at))).verdict == Verdict.REVIEW
    assert evaluate(p, by_detector(sig("classifier.porn", block_at))).verdict == Verdict.BLOCK


def test_default_policy_blocks_blacklisted_domain():
    d = evaluate(default_policy(), by_detector(sig("register.blocked/domain", 1.0, 3, target="bad.example")))
    assert (d.verdict, d.category) == (Verdict.BLOCK, Category.ILLICIT_AD)


# --- properties -------------------------------------------------------------------------------------------

REFS = ["lexicon.porn/explicit", "lexicon.porn/vulgar", "lexicon.gambling", "lexicon.fraud", "lexicon.abuse",
        "lexicon.illicit_ad/drainage", "contacts.drainage/wechat_id", "contacts.drainage/qq",
        "contacts.drainage/lure", "classifier.porn", "classifier.gambling", "register.blocked/domain",
        "links.link/shortener", "qr.qr/wechat_group"]
signals_st = st.lists(
    st.builds(sig, st.sampled_from(REFS), st.floats(0, 1), st.integers(0, 3)), max_size=8
)


@given(signals_st, signals_st)
def test_adding_signals_never_lowers_the_default_verdict(base, extra):
    p = default_policy()
    before = evaluate(p, by_detector(*base))
    after = evaluate(p, by_detector(*base, *extra))
    assert after.verdict.rank >= before.verdict.rank


@given(signals_st, st.sampled_from(["lexicon", "contacts", "classifier", "qr"]))
def test_failed_detector_never_yields_pass(signals, broken):
    outcomes = [o for o in by_detector(*signals) if o.detector != broken] + [failed(broken)]
    for p in (default_policy(), SIMPLE):
        assert evaluate(p, outcomes).verdict != Verdict.PASS


@given(signals_st)
def test_scores_are_probabilities_for_all_six_categories(signals):
    d = evaluate(default_policy(), by_detector(*signals))
    assert set(d.scores) == {c.value for c in Category}
    assert all(0.0 <= v <= 1.0 for v in d.scores.values())
    harm = max(v for k, v in d.scores.items() if k != "none")
    assert d.scores["none"] == round(1.0 - harm, 4)


@given(signals_st)
def test_skipping_rules_without_their_detectors_changes_nothing(signals):
    p = default_policy()
    unskipped = replace(p, rules=tuple(_without_triggers(r) for r in p.rules))
    fast, slow = evaluate(p, by_detector(*signals)), evaluate(unskipped, by_detector(*signals))
    assert (fast.verdict, fast.category, fast.rules, fast.scores) == (slow.verdict, slow.category, slow.rules,
                                                                        slow.scores)


def _without_triggers(rule):
    copy = replace(rule)
    object.__setattr__(copy, "triggers", None)
    return copy
