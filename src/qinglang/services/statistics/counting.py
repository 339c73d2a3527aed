"""Counting one day's figures from the database: ``count_day(session, day, time_zone) -> DailyFigures``.

Each section of ``FigureSet`` is counted from the items of ``items.py``, ``enforcement_items.py`` and
``screened.py`` that fall in the day's UTC window (``periods.day_window``); stocks (open at the end, active at the end) are the states at the
window's end. Counting reads only, so any past day can be counted again and gives the same figures unless the
rows themselves changed (docs/statistics.md says which definitions use the present state of a row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from qinglang.services.statistics import enforcement_items, items
from qinglang.services.statistics.screened import count_screening
from qinglang.services.statistics.sweep_items import count_sweeps
from qinglang.statistics.figures import (
    AccountFigures,
    ActionFigures,
    AppealFigures,
    DailyFigures,
    FigureSet,
    HumanDecisionFigures,
    ListFigures,
    ReportFigures,
    ReviewerFigures,
    RewardFigures,
    TeamFigures,
    WorkFigures,
)
from qinglang.statistics.periods import DEFAULT_TIME_ZONE, Window, day_window
from qinglang.statistics.samples import DurationSample
from qinglang.storage.base import utcnow


def count_day(session: Session, day: date, time_zone: str = DEFAULT_TIME_ZONE) -> DailyFigures:
    """Every figure of ``day`` (a local calendar day in ``time_zone``)."""
    w = day_window(day, time_zone)
    figures = FigureSet(
        screening=count_screening(session, w), decisions=count_decisions(session, w),
        reports=count_reports(session, w), actions=count_actions(session, w), accounts=count_accounts(session, w),
        works=count_works(session, w), lists=count_lists(session, w), appeals=count_appeals(session, w),
        team=count_team(session, w), rewards=count_rewards(session, w), sweeps=count_sweeps(session, w),
    )
    return DailyFigures(day, figures, utcnow())


def _cross(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row, col in pairs:
        out.setdefault(row, {})
        out[row][col] = out[row].get(col, 0) + 1
    return out


def count_decisions(session: Session, w: Window) -> HumanDecisionFigures:
    decided = items.cases_decided(session, w)
    return HumanDecisionFigures(outcomes=_cross((c.queue, c.outcome) for c in decided),
                                by_source=dict(Counter(c.source for c in decided)))


def count_reports(session: Session, w: Window) -> ReportFigures:
    received, closed = items.reports_received(session, w), items.reports_closed(session, w)
    still_open = items.reports_open_at(session, w.end)
    return ReportFigures(
        received=len(received), merged=sum(r.merged for r in received), by_reason=dict(Counter(r.reason for r in received)),
        handled=len(closed), verified=sum(r.status == "verified" for r in closed),
        handled_within_sla=sum(r.within_sla for r in closed),
        time_to_handle=DurationSample.of(r.time_to_handle for r in closed),
        open_at_end=len(still_open), overdue_at_end=sum(r.overdue_at(w.end) for r in still_open),
    )


def count_actions(session: Session, w: Window) -> ActionFigures:
    created = enforcement_items.actions_created(session, w)
    return ActionFigures(by_kind=dict(Counter(a.kind for a in created)),
                         expired=len(enforcement_items.actions_ended(session, w, "expired")),
                         reverted=len(enforcement_items.actions_ended(session, w, "reverted")))


def count_accounts(session: Session, w: Window) -> AccountFigures:
    given = {status: frozenset(a.id for a in enforcement_items.accounts_given(session, w, status)) for status in enforcement_items.STATUS_KINDS}
    return AccountFigures(**given)


def count_works(session: Session, w: Window) -> WorkFigures:
    created = enforcement_items.actions_created(session, w)
    taken = [a for a in created if a.kind == "take_down" and a.work]
    return WorkFigures(chapters=frozenset(a.target_id for a in taken if a.work == "chapter"),
                       books=frozenset(a.book_id for a in created if a.takes_a_book_down),  # chapters' and whole
                       articles=frozenset(a.target_id for a in taken if a.work == "article"))


def count_lists(session: Session, w: Window) -> ListFigures:
    return ListFigures(added=_cross((e.list, e.kind) for e in enforcement_items.entries_added(session, w)),
                       removed=_cross((e.list, e.kind) for e in enforcement_items.entries_ended(session, w)),
                       active_at_end=_cross((e.list, e.kind) for e in enforcement_items.entries_active_at(session, w.end)))


def count_appeals(session: Session, w: Window) -> AppealFigures:
    decided = enforcement_items.appeals_decided(session, w)
    return AppealFigures(received=len(enforcement_items.appeals_filed(session, w)),
                         upheld=sum(a.status == "upheld" for a in decided),
                         overturned=sum(a.status == "overturned" for a in decided),
                         open_at_end=len(enforcement_items.appeals_open_at(session, w.end)))


def count_team(session: Session, w: Window) -> TeamFigures:
    decided: dict[str, list[items.CaseItem]] = {}
    for c in items.cases_decided(session, w):
        decided.setdefault(c.reviewer, []).append(c)
    seconds: dict[str, list[items.SecondReview]] = {}
    for s in items.second_reviews(session, w):
        seconds.setdefault(s.reviewer, []).append(s)
    answers: dict[str, list[items.CalibrationAnswer]] = {}
    for a in items.calibration_answers(session, w):
        answers.setdefault(a.reviewer, []).append(a)
    reviewers = {}
    for name in sorted(set(decided) | set(seconds) | set(answers)):
        mine, judged, answered = decided.get(name, []), seconds.get(name, []), answers.get(name, [])
        reviewers[name] = ReviewerFigures(
            decisions=len(mine), time_per_case=DurationSample.of(c.time_per_case for c in mine
                                                                 if c.time_per_case is not None),
            second_reviewed=len(judged), second_agreed=sum(s.agreed for s in judged),
            calibration_answered=len(answered), calibration_agreed=sum(a.agreed for a in answered))
    return TeamFigures(reviewers=reviewers)


def count_rewards(session: Session, w: Window) -> RewardFigures:
    credited, paid = enforcement_items.rewards_credited(session, w), enforcement_items.rewards_settled(session, w, "approved")
    return RewardFigures(credited=len(credited), credited_cents=sum(r.amount_cents for r in credited),
                         paid=len(paid), paid_cents=sum(r.amount_cents for r in paid),
                         refused=len(enforcement_items.rewards_settled(session, w, "refused")))
