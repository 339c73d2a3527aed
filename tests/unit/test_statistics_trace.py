"""Every figure traces to a console list filtered to its period; periods compare figure by figure."""

from __future__ import annotations

from datetime import date

from qinglang.statistics.aggregate import aggregate
from qinglang.statistics.catalogue import all_figures, report_sections
from qinglang.statistics.compare import change, compare_periods
from qinglang.statistics.figures import FigureSet, PeriodFigures
from qinglang.statistics.trace import CONSOLE_LISTS, Figure, check_traceability, drill
from qinglang.testing.figures import november, october

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)
PERIOD = aggregate(november(), NOV_1, NOV_30)


def test_every_figure_of_the_report_traces_to_a_console_list_of_its_period():
    figures = all_figures(PERIOD)
    assert len(figures) > 80
    assert check_traceability(figures, NOV_1, NOV_30) == ()
    assert {f.drill_down.path for f in figures} <= set(CONSOLE_LISTS)


def test_an_empty_period_is_still_fully_traceable_and_lists_every_harm_category():
    empty = PeriodFigures(NOV_1, NOV_30, FigureSet())
    assert check_traceability(all_figures(empty), NOV_1, NOV_30) == ()
    content = {f.key: f.value for f in report_sections(empty)[1].figures}
    assert content["screening.gambling.block"] == 0 and content["screening.fraud.review"] == 0


def test_a_figure_out_of_its_period_or_list_is_refused():
    wrong = Figure("x.y", 1, "某数", "a number", drill("/console/elsewhere", received="2026-10-01..2026-10-31"))
    codes = [p.code for p in check_traceability([wrong], NOV_1, NOV_30)]
    assert codes == ["figure_unknown_list", "figure_not_in_period"]
    stock = Figure("reports.open_at_end", 3, "期末", "open", drill("/console/reports", open_on="2026-11-30"))
    assert check_traceability([stock], NOV_1, NOV_30) == ()


def test_drill_down_urls_are_encoded_filters():
    where = drill("/console/cases", decided="2026-11-01..2026-11-30", reviewer="李 华", sort=None)
    assert where.url == "/console/cases?decided=2026-11-01..2026-11-30&reviewer=%E6%9D%8E+%E5%8D%8E"


def test_figure_values_match_the_period():
    by_key = {f.key: f.value for f in all_figures(PERIOD)}
    f = PERIOD.figures
    assert by_key["reports.received"] == f.reports.received
    assert by_key["reports.time_to_handle.p90"] == f.reports.time_to_handle.p90
    assert by_key["works.books"] == len(f.works.books)
    assert by_key["lists.active.block.domain"] == f.lists.active_at_end["block"]["domain"]


def test_changes_counts_relative_and_rates_in_points():
    previous = aggregate(october(), date(2026, 10, 1), date(2026, 10, 31))
    changes = {c.figure.key: c for c in compare_periods(PERIOD, previous)}
    received = changes["reports.received"]
    assert received.delta == PERIOD.figures.reports.received - previous.figures.reports.received
    assert received.relative == received.delta / previous.figures.reports.received
    rate = changes["reports.within_sla_rate"]
    assert rate.relative is None and rate.delta == PERIOD.figures.reports.within_sla_rate - rate.previous


def test_undefined_or_zero_previous_values_give_no_relative_change():
    where = drill("/console/reports", closed="2026-11-01..2026-11-30")
    now = Figure("reports.handled", 5, "办结", "handled", where)
    assert change(now, Figure("reports.handled", 0, "办结", "handled", where)).relative is None
    assert change(now, None).delta is None
    median = Figure("m", None, "中位数", "median", where, "seconds")
    assert change(median, Figure("m", 60, "中位数", "median", where, "seconds")).delta is None
