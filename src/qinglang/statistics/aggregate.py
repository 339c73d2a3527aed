"""Days into a period: one rule per field shape (figures.py's table), applied field by field.

``combine(earlier, later)`` adds two values of the same field: flows are summed, samples merged, id sets
united, and stocks (fields made with ``stock()``) take the later value. Because each rule is associative,
combining thirty days one by one gives the same period as any other grouping (weeks, then the month), which
the unit tests check with Hypothesis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qinglang.statistics.figures import DailyFigures, FigureSet, PeriodFigures
from qinglang.statistics.periods import days_in, previous_period
from qinglang.statistics.problems import Problem
from qinglang.statistics.samples import DurationSample


def combine(earlier: Any, later: Any) -> Any:
    """Add two values of one field (``earlier`` is the older day's). See the module docstring for the rules."""
    if isinstance(earlier, DurationSample):
        return earlier.merge(later)
    if dataclasses.is_dataclass(earlier):
        return _combine_dataclass(earlier, later)
    if isinstance(earlier, frozenset):
        return earlier | later
    if isinstance(earlier, Mapping):
        return _combine_mapping(earlier, later)
    if isinstance(earlier, int) and not isinstance(earlier, bool):
        return earlier + later
    raise TypeError(f"no rule to combine {type(earlier).__name__} figures")


def _combine_mapping(earlier: Mapping, later: Mapping) -> dict:
    out = dict(earlier)
    for key, value in later.items():
        out[key] = combine(out[key], value) if key in out else value
    return out


def _combine_dataclass(earlier: Any, later: Any) -> Any:
    changes = {}
    for f in dataclasses.fields(earlier):
        a, b = getattr(earlier, f.name), getattr(later, f.name)
        changes[f.name] = b if f.metadata.get("combine") == "last" else combine(a, b)
    return dataclasses.replace(earlier, **changes)


def aggregate(days: Iterable[DailyFigures], start: date, end: date) -> PeriodFigures | Problem:
    """The figures of ``start``..``end`` from the daily figures of those days.

    Days of the period with no figures are listed in ``PeriodFigures.missing`` (stocks then come from the last
    day that has figures). Refused, as a ``Problem``: a reversed period, a day given twice, a day outside it.
    """
    if end < start:
        return Problem("period_reversed", f"the period ends ({end}) before it starts ({start}); swap the dates")
    by_day: dict[date, DailyFigures] = {}
    for daily in days:
        if not start <= daily.day <= end:
            return Problem("figures_outside_period", f"figures for {daily.day} are outside {start}..{end}")
        if daily.day in by_day:
            return Problem("figures_duplicate_day", f"{daily.day} is given twice; keep one set of figures per day")
        by_day[daily.day] = daily
    figures = FigureSet()
    for day in sorted(by_day):
        figures = combine(figures, by_day[day].figures)
    missing = tuple(d for d in days_in(start, end) if d not in by_day)
    return PeriodFigures(start, end, figures, missing)


@dataclass(frozen=True)
class Selection:
    """A period picked out of a pool of daily figures, with the previous period where the pool holds all of it."""

    period: PeriodFigures
    days: tuple[DailyFigures, ...]  # the period's own daily figures, oldest first (for charts)
    previous: PeriodFigures | None


def select_period(pool: Iterable[DailyFigures], start: date, end: date) -> Selection | Problem:
    """The figures of ``start``..``end`` from ``pool`` (which may hold other days too), and the previous period
    (``periods.previous_period``) when ``pool`` has every one of its days; a partial previous period is not
    compared, because a 环比 against half a month would mislead."""
    pool = list(pool)
    inside = sorted((d for d in pool if start <= d.day <= end), key=lambda d: d.day)
    period = aggregate(inside, start, end)
    if isinstance(period, Problem):
        return period
    if not inside:
        return Problem("figures_none_in_period", f"no daily figures fall in {start}..{end}; check the dates")
    before_start, before_end = previous_period(start, end)
    earlier = [d for d in pool if before_start <= d.day <= before_end]
    previous = aggregate(earlier, before_start, before_end) if earlier else None
    if isinstance(previous, PeriodFigures) and not previous.complete:
        previous = None
    return Selection(period, tuple(inside), previous if isinstance(previous, PeriodFigures) else None)
