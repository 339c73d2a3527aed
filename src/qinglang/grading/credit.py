"""An account's credit score (0-100) and grade (A-E), from its record, as one pure function.

The score starts at 60 (a new account nobody knows anything about is ``C``, middling) and each factor adds or
takes away points; every factor is reported with its points, so a grade can always be explained:

| factor | points | why |
|---|---|---|
| verified violations | -5 / -12 / -25 for severity 1 / 2 / 3, in full for 90 days, then halved every 180 days; at most -60 | what the account did, weighed by how bad and how recent |
| active strikes | -3 each, at most -15 | the enforcement standing now; a strike reverted with its action no longer counts |
| upheld reports | -1.5 each, at most -10 | readers noticed and were right |
| overturned appeals | +2 each, at most +6 | the account was wrongly punished: its record was worse than it deserved |
| operator identity verified | +5 | someone accountable stands behind it |
| qualification | +10 qualified, +8 expiring, 0 pending or not assessed, -15 unqualified, -25 ineligible | it holds the licences its category needs |
| account age | up to +10, full at two years | a long record is worth more than a new one |
| reach (followers) | up to +5, log scale, full at a million | an established audience; small, so it never buys off a violation |
| content quality | 0.5 x (mean quality score - 50), from -10 to +15 | what it publishes, beyond harm |

Grades: ``A`` 优秀 85+, ``B`` 良好 70+, ``C`` 中等 55+, ``D`` 较差 40+, ``E`` 差 below 40.

**Monotone where it must be.** Every penalty is a sum of non-negative terms with a cap, every bonus likewise, and
rounding to 0.1 keeps order, so one more violation (of any severity, at any date), strike or upheld report never
raises the score, and one more overturned appeal, follower, day of age or point of quality never lowers it
(property tests in ``tests/unit/test_grading_credit.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from qinglang.qualification.requirements import QualificationState

CREDIT_VERSION = "credit-1"
BASE = 60.0
SEVERITY_POINTS: Mapping[int, float] = {1: 5.0, 2: 12.0, 3: 25.0}
FULL_WEIGHT_DAYS, HALF_LIFE_DAYS, VIOLATION_CAP = 90, 180, 60.0
STRIKE_POINTS, STRIKE_CAP = 3.0, 15.0
REPORT_POINTS, REPORT_CAP = 1.5, 10.0
APPEAL_POINTS, APPEAL_CAP = 2.0, 6.0
IDENTITY_POINTS = 5.0
QUALIFICATION_POINTS: Mapping[QualificationState | None, float] = {
    QualificationState.QUALIFIED: 10.0, QualificationState.EXPIRING: 8.0, QualificationState.PENDING: 0.0,
    None: 0.0, QualificationState.UNQUALIFIED: -15.0, QualificationState.INELIGIBLE: -25.0}
AGE_POINTS, AGE_FULL_DAYS = 10.0, 730
REACH_POINTS, REACH_FULL_DIGITS = 5.0, 6
QUALITY_SLOPE, QUALITY_MIN, QUALITY_MAX = 0.5, -10.0, 15.0


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"

    @property
    def rank(self) -> int:
        """4 for A .. 0 for E: a higher grade has a higher rank."""
        return 4 - list(Grade).index(self)


GRADE_FLOORS: tuple[tuple[float, Grade], ...] = ((85, Grade.A), (70, Grade.B), (55, Grade.C), (40, Grade.D))
GRADE_NAMES: Mapping[Grade, tuple[str, str]] = {
    Grade.A: ("优秀", "excellent"), Grade.B: ("良好", "good"), Grade.C: ("中等", "fair"), Grade.D: ("较差", "poor"),
    Grade.E: ("差", "bad")}


@dataclass(frozen=True, slots=True)
class Violation:
    """One verified violation: severity 1 (mild) .. 3 (severe) and when it was confirmed."""

    severity: int
    at: datetime


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """What the score reads. ``quality_scores``: the quality scores (0-100) of the account's recent content."""

    account_id: str
    created_at: datetime
    followers: int = 0
    violations: tuple[Violation, ...] = ()
    active_strikes: int = 0
    upheld_reports: int = 0
    overturned_appeals: int = 0
    identity_verified: bool = False
    qualification: QualificationState | None = None
    quality_scores: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class CreditFactor:
    """One factor: its key, its points (+ or -) and the facts the explanation is written from."""

    key: str
    points: float
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CreditScore:
    account_id: str
    score: float
    grade: Grade
    factors: tuple[CreditFactor, ...]
    computed_at: datetime
    raw: float  # 60 + the factors' points, before the score is kept within 0..100
    version: str = CREDIT_VERSION

    def factor(self, key: str) -> CreditFactor:
        return next(f for f in self.factors if f.key == key)


def grade_of(score: float) -> Grade:
    return next((grade for floor, grade in GRADE_FLOORS if score >= floor), Grade.E)


def violation_weight(violation: Violation, now: datetime) -> float:
    """1 for the first 90 days after the violation, then halved every 180 days."""
    age = max(0.0, (now - violation.at).total_seconds() / 86400)
    return 1.0 if age <= FULL_WEIGHT_DAYS else 0.5 ** ((age - FULL_WEIGHT_DAYS) / HALF_LIFE_DAYS)


def _violations(record: AccountRecord, now: datetime) -> CreditFactor:
    for v in record.violations:
        if v.severity not in SEVERITY_POINTS:
            raise ValueError(f"violation severity must be 1, 2 or 3, got {v.severity}")
    raw = sum(SEVERITY_POINTS[v.severity] * violation_weight(v, now) for v in record.violations)
    by_severity = Counter(v.severity for v in record.violations)
    recent = sum(1 for v in record.violations if violation_weight(v, now) == 1.0)
    return CreditFactor("violations", -round(min(VIOLATION_CAP, raw), 1) + 0.0, {
        "count": len(record.violations), "severe": by_severity[3], "moderate": by_severity[2],
        "mild": by_severity[1], "recent": recent})


def _capped(key: str, count: int, each: float, cap: float) -> CreditFactor:
    if count < 0:
        raise ValueError(f"{key} cannot be negative, got {count}")
    return CreditFactor(key, round(math.copysign(min(abs(cap), abs(each) * count), each), 1) + 0.0, {"count": count})


def _age(record: AccountRecord, now: datetime) -> CreditFactor:
    days = max(0, (now - record.created_at).days)
    return CreditFactor("age", round(AGE_POINTS * min(1.0, days / AGE_FULL_DAYS), 1), {"days": days})


def _reach(record: AccountRecord) -> CreditFactor:
    followers = max(0, record.followers)
    share = min(1.0, math.log10(1 + followers) / REACH_FULL_DIGITS)
    return CreditFactor("reach", round(REACH_POINTS * share, 1), {"followers": followers})


def _quality(scores: Sequence[float]) -> CreditFactor:
    if not scores:
        return CreditFactor("quality", 0.0, {"count": 0, "mean": None})
    mean = sum(scores) / len(scores)
    points = max(QUALITY_MIN, min(QUALITY_MAX, QUALITY_SLOPE * (mean - 50)))
    return CreditFactor("quality", round(points, 1), {"count": len(scores), "mean": round(mean, 1)})


def compute_credit(record: AccountRecord, now: datetime) -> CreditScore:
    """The account's credit score and grade at ``now``, with every factor's points."""
    factors = (
        _violations(record, now),
        _capped("strikes", record.active_strikes, -STRIKE_POINTS, STRIKE_CAP),
        _capped("reports", record.upheld_reports, -REPORT_POINTS, REPORT_CAP),
        _capped("appeals", record.overturned_appeals, APPEAL_POINTS, APPEAL_CAP),
        CreditFactor("identity", IDENTITY_POINTS if record.identity_verified else 0.0,
                     {"verified": record.identity_verified}),
        CreditFactor("qualification", QUALIFICATION_POINTS[record.qualification],
                     {"state": record.qualification.value if record.qualification else None}),
        _age(record, now),
        _reach(record),
        _quality(record.quality_scores),
    )
    raw = round(BASE + sum(f.points for f in factors), 1)
    score = max(0.0, min(100.0, raw))
    return CreditScore(record.account_id, score, grade_of(score), factors, now, raw)
