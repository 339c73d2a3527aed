"""Account credit: the factors, monotonicity (Hypothesis), and a golden file for the explanations.

Regenerate the golden file after a deliberate change of wording or weights:

    QINGLANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_grading_credit.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.grading.credit import AccountRecord, Grade, Violation, compute_credit, grade_of, violation_weight
from qinglang.grading.explain import explain_change, explain_credit
from qinglang.qualification.requirements import QualificationState

NOW = datetime(2025, 6, 1, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "golden" / "grading" / "explanations.txt"

violations = st.builds(Violation, st.integers(1, 3),
                       st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2025, 7, 1), timezones=st.just(UTC)))
records = st.builds(
    AccountRecord,
    account_id=st.just("acc"),
    created_at=st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2025, 6, 1), timezones=st.just(UTC)),
    followers=st.integers(0, 10**8),
    violations=st.lists(violations, max_size=12).map(tuple),
    active_strikes=st.integers(0, 12),
    upheld_reports=st.integers(0, 12),
    overturned_appeals=st.integers(0, 6),
    identity_verified=st.booleans(),
    qualification=st.one_of(st.none(), st.sampled_from(QualificationState)),
    quality_scores=st.lists(st.floats(0, 100), max_size=8).map(tuple),
)


def score(record: AccountRecord) -> float:
    return compute_credit(record, NOW).score


def test_a_new_account_nobody_knows_is_middling():
    result = compute_credit(AccountRecord("new", NOW), NOW)
    assert (result.score, result.grade) == (60.0, Grade.C)


def test_grade_floors():
    assert [grade_of(s) for s in (100, 85, 84.9, 70, 55, 40, 39.9, 0)] == [
        Grade.A, Grade.A, Grade.B, Grade.B, Grade.C, Grade.D, Grade.E, Grade.E]


def test_a_violation_weighs_in_full_for_90_days_then_halves_every_180():
    assert violation_weight(Violation(3, NOW - timedelta(days=90)), NOW) == 1.0
    assert violation_weight(Violation(3, NOW - timedelta(days=270)), NOW) == pytest.approx(0.5)
    assert violation_weight(Violation(3, NOW - timedelta(days=450)), NOW) == pytest.approx(0.25)


def test_caps_keep_one_factor_from_swamping_the_rest():
    record = AccountRecord("a", NOW, violations=tuple(Violation(3, NOW) for _ in range(10)), active_strikes=50)
    result = compute_credit(record, NOW)
    assert result.factor("violations").points == -60 and result.factor("strikes").points == -15
    assert result.score == 0 and result.grade is Grade.E


def test_factor_points_add_up_to_the_score():
    record = AccountRecord("a", NOW - timedelta(days=365), followers=5000, violations=(Violation(2, NOW),),
                           upheld_reports=2, identity_verified=True, qualification=QualificationState.EXPIRING,
                           quality_scores=(70, 90))
    result = compute_credit(record, NOW)
    assert result.score == result.raw == round(60 + sum(f.points for f in result.factors), 1)


def test_bad_severity_is_refused():
    with pytest.raises(ValueError, match="severity"):
        compute_credit(AccountRecord("a", NOW, violations=(Violation(4, NOW),)), NOW)


@given(records, violations)
def test_one_more_verified_violation_never_raises_the_score_or_grade(record, violation):
    worse = replace(record, violations=(*record.violations, violation))
    assert score(worse) <= score(record)
    assert compute_credit(worse, NOW).grade.rank <= compute_credit(record, NOW).grade.rank


@given(records)
def test_more_strikes_or_upheld_reports_never_raise_and_overturned_appeals_never_lower(record):
    assert score(replace(record, active_strikes=record.active_strikes + 1)) <= score(record)
    assert score(replace(record, upheld_reports=record.upheld_reports + 1)) <= score(record)
    assert score(replace(record, overturned_appeals=record.overturned_appeals + 1)) >= score(record)


@given(records, st.integers(1, 10**6), st.integers(1, 2000), st.floats(0, 100))
def test_reach_age_and_quality_never_lower_the_score(record, more, days, quality):
    assert score(replace(record, followers=record.followers + more)) >= score(record)
    assert score(replace(record, created_at=record.created_at - timedelta(days=days))) >= score(record)
    better = tuple(max(q, quality) for q in record.quality_scores)
    assert score(replace(record, quality_scores=better)) >= score(record)


@given(records)
def test_the_score_stays_within_0_and_100(record):
    assert 0 <= score(record) <= 100


# --- golden explanations -----------------------------------------------------------------------------------

ESTABLISHED = AccountRecord("acc-established", NOW - timedelta(days=800), followers=250_000, identity_verified=True,
                            qualification=QualificationState.QUALIFIED, quality_scores=(82, 76, 90, 71))
SCENARIOS = {
    "new account": AccountRecord("acc-new", NOW - timedelta(days=3)),
    "established": ESTABLISHED,
    "after a severe violation": replace(ESTABLISHED, violations=(Violation(3, NOW - timedelta(days=1)),),
                                        active_strikes=3),
    "after the appeal is overturned": replace(ESTABLISHED, overturned_appeals=1),
    "licence expired": replace(ESTABLISHED, qualification=QualificationState.UNQUALIFIED),
    "old violations, thin content": AccountRecord(
        "acc-old", NOW - timedelta(days=1500), followers=40, violations=(Violation(2, NOW - timedelta(days=600)),
                                                                          Violation(1, NOW - timedelta(days=30))),
        upheld_reports=1, quality_scores=(35, 28)),
}
CHANGES = [("established", "after a severe violation"), ("after a severe violation", "after the appeal is overturned"),
           ("established", "licence expired"), ("new account", "established")]


def render() -> str:
    out = []
    for name, record in SCENARIOS.items():
        out.append(f"## {name}")
        for lang in ("zh", "en"):
            out += [reason.text(lang) for reason in explain_credit(compute_credit(record, NOW))]
        out.append("")
    for before, after in CHANGES:
        out.append(f"## change: {before} -> {after}")
        change = explain_change(compute_credit(SCENARIOS[before], NOW), compute_credit(SCENARIOS[after], NOW))
        for lang in ("zh", "en"):
            out += [reason.text(lang) for reason in change]
        out.append("")
    return "\n".join(out)


def test_explanations_match_the_golden_file():
    actual = render()
    if os.environ.get("QINGLANG_UPDATE_GOLDEN"):
        GOLDEN.write_text(actual, "utf-8")
    assert actual == GOLDEN.read_text("utf-8")


def test_a_verified_violation_lowers_the_grade_and_the_change_says_why():
    before, after = compute_credit(ESTABLISHED, NOW), compute_credit(SCENARIOS["after a severe violation"], NOW)
    assert after.grade.rank < before.grade.rank
    head, *moved = explain_change(before, after)
    assert "降为" in head.zh and moved[0].code == "credit_violations_changed" and "严重 1 次" in moved[0].zh
