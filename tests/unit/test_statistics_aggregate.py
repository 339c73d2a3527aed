"""Days into a period: flows summed, samples merged, ids united, stocks from the last day, rates from totals."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.statistics.aggregate import aggregate, combine, select_period
from qinglang.statistics.figures import AccountFigures, DailyFigures, FigureSet, PeriodFigures, ReportFigures
from qinglang.statistics.problems import Problem
from qinglang.testing.figures import CATEGORIES, REVIEWERS, november, october

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)
DAYS = november()


def nearest_rank(values, p):
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered)) - 1]


def test_flows_are_the_sums_of_the_days():
    period = aggregate(DAYS, NOV_1, NOV_30)
    f = period.figures
    assert f.reports.received == sum(d.figures.reports.received for d in DAYS)
    assert f.reports.handled == sum(d.figures.reports.handled for d in DAYS)
    for category in CATEGORIES:
        blocked = sum(d.figures.screening.verdicts[category]["block"] for d in DAYS)
        assert f.screening.verdicts[category]["block"] == blocked
    assert f.actions.by_kind["take_down"] == sum(d.figures.actions.by_kind["take_down"] for d in DAYS)
    assert f.rewards.paid_cents == sum(d.figures.rewards.paid_cents for d in DAYS)
    assert f.team.reviewers[REVIEWERS[0]].decisions == sum(d.figures.team.reviewers[REVIEWERS[0]].decisions for d in DAYS)


def test_period_median_and_p90_come_from_every_handled_report():
    f = aggregate(DAYS, NOV_1, NOV_30).figures
    everything = [s for d in DAYS for s in d.figures.reports.time_to_handle.seconds]
    assert f.reports.time_to_handle.count == len(everything)
    assert f.reports.time_to_handle.median == nearest_rank(everything, 0.5)
    assert f.reports.time_to_handle.p90 == nearest_rank(everything, 0.9)


def test_rates_are_rates_of_the_totals_not_averages_of_daily_rates():
    f = aggregate(DAYS, NOV_1, NOV_30).figures
    within = sum(d.figures.reports.handled_within_sla for d in DAYS)
    handled = sum(d.figures.reports.handled for d in DAYS)
    assert f.reports.within_sla_rate == within / handled
    mean_of_days = sum(d.figures.reports.within_sla_rate for d in DAYS) / len(DAYS)
    assert f.reports.within_sla_rate != mean_of_days


def test_stocks_take_the_last_day_and_ids_count_once():
    first = DailyFigures(NOV_1, FigureSet(reports=ReportFigures(open_at_end=50, overdue_at_end=4),
                                          accounts=AccountFigures(suspended=frozenset({"a1", "a2"}))))
    second = DailyFigures(date(2026, 11, 2), FigureSet(reports=ReportFigures(open_at_end=41, overdue_at_end=1),
                                                       accounts=AccountFigures(suspended=frozenset({"a2", "a3"}))))
    f = aggregate([second, first], NOV_1, date(2026, 11, 2)).figures
    assert (f.reports.open_at_end, f.reports.overdue_at_end) == (41, 1)
    assert f.accounts.suspended == {"a1", "a2", "a3"}


def test_days_without_figures_are_listed_and_stocks_come_from_the_last_day_present():
    some = [d for d in DAYS if d.day.day not in (3, 30)]
    period = aggregate(some, NOV_1, NOV_30)
    assert period.missing == (date(2026, 11, 3), NOV_30)
    assert not period.complete and period.day_count == 30
    assert period.figures.reports.open_at_end == DAYS[28].figures.reports.open_at_end


def test_refusals_are_values_with_codes():
    assert aggregate(DAYS, NOV_30, NOV_1).code == "period_reversed"
    assert aggregate(DAYS, NOV_1, date(2026, 11, 29)).code == "figures_outside_period"
    assert aggregate([DAYS[0], DAYS[0]], NOV_1, NOV_30).code == "figures_duplicate_day"


@settings(max_examples=25)
@given(st.lists(st.integers(min_value=1, max_value=29), unique=True, max_size=5))
def test_any_grouping_of_days_gives_the_same_period(cuts):
    """Weeks then the month equals the month at once (each rule is associative)."""
    bounds = [0, *sorted(cuts), 30]
    parts = [aggregate(DAYS[a:b], DAYS[a].day, DAYS[b - 1].day).figures for a, b in zip(bounds, bounds[1:], strict=False)]
    grouped = FigureSet()
    for part in parts:
        grouped = combine(grouped, part)
    assert grouped == aggregate(DAYS, NOV_1, NOV_30).figures


def test_select_period_compares_only_with_a_complete_previous_period():
    pool = october() + DAYS
    chosen = select_period(pool, NOV_1, NOV_30)
    assert isinstance(chosen.previous, PeriodFigures) and chosen.previous.start == date(2026, 10, 1)
    assert [d.day for d in chosen.days] == [d.day for d in DAYS]
    partial = [d for d in pool if d.day != date(2026, 10, 15)]
    assert select_period(partial, NOV_1, NOV_30).previous is None
    none_inside = select_period(pool, date(2027, 1, 1), date(2027, 1, 31))
    assert isinstance(none_inside, Problem) and none_inside.code == "figures_none_in_period"
