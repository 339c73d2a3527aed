"""Local calendar days as UTC windows, and the period a report compares with."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from qinglang.statistics.periods import day_window, days_in, local_day, period_window, previous_period


def test_a_shanghai_day_starts_at_sixteen_hundred_utc_the_day_before():
    window = day_window(date(2026, 11, 1), "Asia/Shanghai")
    assert window.start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert window.end == datetime(2026, 11, 1, 16, tzinfo=UTC)
    assert datetime(2026, 11, 1, 15, 59, 59, tzinfo=UTC) in window
    assert datetime(2026, 11, 1, 16, tzinfo=UTC) not in window


def test_a_day_when_clocks_change_is_23_hours_long():
    window = day_window(date(2026, 3, 8), "America/New_York")
    assert (window.end - window.start).total_seconds() == 23 * 3600


def test_period_window_spans_whole_local_days_and_local_day_inverts_it():
    window = period_window(date(2026, 11, 1), date(2026, 11, 30), "Asia/Shanghai")
    assert window.end == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert local_day(datetime(2026, 11, 30, 15, 59, tzinfo=UTC), "Asia/Shanghai") == date(2026, 11, 30)
    assert local_day(datetime(2026, 11, 30, 16, 0, tzinfo=UTC), "Asia/Shanghai") == date(2026, 12, 1)
    with pytest.raises(ValueError, match="aware"):
        local_day(datetime(2026, 11, 30, 12))


def test_previous_period_of_a_month_is_the_previous_calendar_month():
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(date(2026, 1, 1), date(2026, 1, 31)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_previous_period_of_other_ranges_is_as_long_and_just_before():
    assert previous_period(date(2026, 11, 10), date(2026, 11, 16)) == (date(2026, 11, 3), date(2026, 11, 9))
    assert len(list(days_in(date(2026, 11, 3), date(2026, 11, 9)))) == 7
