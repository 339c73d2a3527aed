"""The certification rules as pure functions: practice earns a level from the newest answers only, a higher bar
for severe actions, live calibration answers withdraw a certificate, and practice never lowers one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain.certification import (
    CertificationRule,
    Level,
    assess_practice,
    may_approve_severe,
    may_claim,
    needs_recertification,
    next_level,
)

RULE = CertificationRule(practice_cases=5, agreement=0.8, severe_cases=10, severe_agreement=0.9,
                         recertify_window=5, recertify_agreement=0.6)


def test_too_few_answers_certify_nobody_even_when_all_agree():
    standing = assess_practice([True] * 4, RULE)
    assert standing.level is Level.UNCERTIFIED
    assert (standing.window, standing.agreed, standing.needed_cases) == (4, 4, 5)


def test_the_bar_is_met_on_the_newest_answers():
    assert assess_practice([True, True, True, True, False], RULE).level is Level.CERTIFIED  # 4/5 = 0.8
    assert assess_practice([True, True, True, False, False], RULE).level is Level.UNCERTIFIED  # 3/5
    # a bad start is forgiven once the newest five agree
    assert assess_practice([False] * 6 + [True] * 5, RULE).level is Level.CERTIFIED


def test_severe_needs_the_higher_bar_on_more_cases():
    assert assess_practice([True] * 9, RULE).level is Level.CERTIFIED
    assert assess_practice([True] * 9 + [False], RULE).level is Level.SEVERE  # 9/10 = 0.9
    assert assess_practice([False, True, True, True, True, True, True, True, True, False, False], RULE).level \
        is Level.UNCERTIFIED  # newest five: 3/5; newest ten: 7/10


def test_live_calibration_withdraws_only_on_a_full_window_below_the_bar():
    assert not needs_recertification([False] * 4, RULE)  # too few to judge
    assert needs_recertification([True, False, False, True, False], RULE)  # 2/5 < 0.6
    assert not needs_recertification([True, False, True, True, False], RULE)  # 3/5
    assert needs_recertification([True] * 10 + [False, False, False, True, True], RULE)


def test_practice_never_lowers_a_level_and_a_lapse_stays_until_practice_passes():
    assert next_level(Level.CERTIFIED, [False] * 5, RULE) is Level.CERTIFIED
    assert next_level(Level.SEVERE, [True] * 5, RULE) is Level.SEVERE
    assert next_level(Level.LAPSED, [True] * 2, RULE) is Level.LAPSED
    assert next_level(Level.LAPSED, [True] * 5, RULE) is Level.CERTIFIED
    assert next_level(Level.UNCERTIFIED, [True] * 10, RULE) is Level.SEVERE


def test_what_each_level_allows():
    assert [may_claim(level) for level in Level] == [False, True, True, False]
    assert [may_approve_severe(level) for level in Level] == [False, False, True, False]


@given(st.lists(st.booleans(), max_size=40), st.integers(1, 12), st.floats(0.1, 1.0))
def test_a_level_is_earned_exactly_when_the_newest_window_reaches_the_bar(answers, n, bar):
    rule = CertificationRule(practice_cases=n, agreement=bar, severe_cases=n + 5, severe_agreement=1.0)
    newest = answers[-n:]
    reaches = len(newest) == n and sum(newest) >= bar * n - 1e-9
    level = assess_practice(answers, rule).level
    assert may_claim(level) == reaches
    assert (level is Level.SEVERE) == (len(answers) >= n + 5 and all(answers[-(n + 5):]))
