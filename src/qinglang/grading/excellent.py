"""Excellent works (优质内容): the editors' list of the best content of a period, with the reasons shown.

A work is eligible when, in order (the first failure is the reason it is left out, and the list counts them):

1. it was published within ``[start, end)``;
2. its screening verdict is ``pass`` (nothing under review or blocked is held up as an example);
3. it is not a copy: its assessment's ``duplicate`` flag is counted as ``duplicate`` (originality below 0.5
   against earlier content of another account);
4. its quality assessment raised no other flag (no bait title, drainage, ads, thin text or wall of text);
5. its originality was measured and is at least ``min_originality`` (0.8): an unmeasured work is never excellent;
6. its quality score is at least ``min_score`` (80).

Eligible works are ranked by score, then originality, then the earlier publication, then content id (so the
order is total and repeatable). At most ``per_account`` works of one account are listed, so one prolific account
cannot fill the list; the rest count as ``account_limit``. Every work left out is also listed with its reason
(``left_out_works``, in the order given), so an editor can open the copy and the work it copies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from qinglang.domain import Verdict
from qinglang.grading.quality import QualityAssessment, QualityBand, QualityComponent, QualityFlag
from qinglang.qualification.reasons import Reason


@dataclass(frozen=True, slots=True)
class QualitySummary:
    """What the ranking reads of a stored assessment (a :class:`QualityAssessment` serves as well)."""

    score: float
    band: QualityBand
    flags: frozenset[QualityFlag]
    originality: float | None
    components: tuple[QualityComponent, ...] = ()
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class WorkCandidate:
    content_id: str
    account_id: str
    published_at: datetime
    verdict: Verdict
    quality: QualityAssessment | QualitySummary


@dataclass(frozen=True, slots=True)
class LeftOutWork:
    """A candidate that is not on the list, the reason code that kept it off and, for a copy, what it copies."""

    content_id: str
    account_id: str
    reason: str
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class RankedWork:
    rank: int
    content_id: str
    account_id: str
    score: float
    originality: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ExcellentList:
    start: datetime
    end: datetime
    works: tuple[RankedWork, ...]
    left_out: Mapping[str, int]  # reason code -> how many candidates it left out
    left_out_works: tuple[LeftOutWork, ...] = ()


def _exclusion(c: WorkCandidate, start: datetime, end: datetime, min_score: float, min_originality: float) -> str:
    q = c.quality
    if not start <= c.published_at < end:
        return "out_of_period"
    if c.verdict is not Verdict.PASS:
        return "not_passed"
    if QualityFlag.DUPLICATE in q.flags:
        return "duplicate"
    if q.flags:
        return "flagged"
    if q.originality is None:
        return "originality_unknown"
    if q.originality < min_originality:
        return "not_original_enough"
    if q.score < min_score:
        return "below_score"
    return ""


def rank_excellent(candidates: Sequence[WorkCandidate], *, start: datetime, end: datetime, limit: int = 20,
                   min_score: float = 80.0, min_originality: float = 0.8, per_account: int = 3) -> ExcellentList:
    """The period's excellent works, best first, each with its reasons, and how many were left out and why."""
    left_out: Counter[str] = Counter()
    eligible, skipped = [], []
    for c in candidates:
        why = _exclusion(c, start, end, min_score, min_originality)
        if why:
            left_out[why] += 1
            if why != "out_of_period":
                skipped.append(_left_out(c, why))
        else:
            eligible.append(c)
    eligible.sort(key=lambda c: (-c.quality.score, -(c.quality.originality or 0), c.published_at, c.content_id))
    works, per = [], Counter()
    for c in eligible:
        if per[c.account_id] >= per_account or len(works) >= limit:
            why = "account_limit" if per[c.account_id] >= per_account else "beyond_limit"
            left_out[why] += 1
            skipped.append(_left_out(c, why))
            continue
        per[c.account_id] += 1
        works.append(RankedWork(len(works) + 1, c.content_id, c.account_id, c.quality.score,
                                c.quality.originality or 0.0, _reasons(c.quality)))
    return ExcellentList(start, end, tuple(works), dict(left_out), tuple(skipped))


def _left_out(c: WorkCandidate, why: str) -> LeftOutWork:
    return LeftOutWork(c.content_id, c.account_id, why, getattr(c.quality, "duplicate_of", None))


def _reasons(q: QualityAssessment | QualitySummary) -> tuple[Reason, ...]:
    head = Reason("excellent_work", f"质量分 {q.score:g}（{q.band.zh}），无标题党、引流或广告问题",
                  f"quality score {q.score:g} ({q.band.value}), with no bait title, drainage or ads",
                  {"score": q.score})
    return (head, *(c.reason for c in q.components if c.points > 0))
