"""The daily-figures table: write a counted day (an upsert by day, so recounting replaces), read days back, and
pick a period out of them.

``recount(session, day)`` is idempotent: counting the same day twice leaves one row with the same figures, and
two workers recounting one day at once both write whole rows (the last commit wins; both counted the same rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qinglang.errors import InvalidInput
from qinglang.services.statistics.counting import count_day
from qinglang.statistics.aggregate import Selection, select_period
from qinglang.statistics.figures import DailyFigures
from qinglang.statistics.periods import DEFAULT_TIME_ZONE, days_in, local_day, previous_period
from qinglang.statistics.problems import Problem
from qinglang.statistics.serialize import encode, load_days
from qinglang.storage.base import utcnow
from qinglang.storage.tables.statistics import DailyFiguresRow

MAX_RECOUNT_DAYS = 3660  # ten years: a longer range is surely a typo


def store(session: Session, daily: DailyFigures, time_zone: str) -> None:
    """Write ``daily`` as its day's row, replacing any figures counted before."""
    values = {"day": daily.day, "time_zone": time_zone, "figures": encode(daily.figures),
              "computed_at": daily.computed_at or utcnow()}
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(DailyFiguresRow).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["day", "time_zone"],
                                      set_={"figures": stmt.excluded.figures, "computed_at": stmt.excluded.computed_at})
    session.execute(stmt)


def recount(session: Session, day: date, time_zone: str = DEFAULT_TIME_ZONE) -> DailyFigures:
    """Count ``day`` from the tables and store it."""
    daily = count_day(session, day, time_zone)
    store(session, daily, time_zone)
    return daily


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"the range ends ({end}) before it starts ({start}); swap the dates",
                           code="stats_range_reversed")
    if (end - start).days + 1 > MAX_RECOUNT_DAYS:
        raise InvalidInput(f"{start}..{end} is longer than {MAX_RECOUNT_DAYS} days; recount it in parts",
                           code="stats_range_too_long")


def recount_range(factory, start: date, end: date, time_zone: str = DEFAULT_TIME_ZONE) -> list[DailyFigures]:
    """Recount every day of ``start..end``, one transaction per day (a long range never holds a long lock)."""
    from qinglang.storage.db import transaction

    check_range(start, end)
    done = []
    for day in days_in(start, end):
        with transaction(factory) as session:
            done.append(recount(session, day, time_zone))
    return done


def current_days(time_zone: str = DEFAULT_TIME_ZONE) -> tuple[date, date]:
    """Yesterday and today in ``time_zone``: the days whose figures still change as work goes on."""
    today = local_day(utcnow(), time_zone)
    return today - timedelta(days=1), today


def read_days(session: Session, start: date, end: date, time_zone: str = DEFAULT_TIME_ZONE) -> list[DailyFigures]:
    """Stored figures of the days ``start..end`` (days never counted are simply absent)."""
    stmt = (select(DailyFiguresRow).where(DailyFiguresRow.day >= start, DailyFiguresRow.day <= end,
                                          DailyFiguresRow.time_zone == time_zone).order_by(DailyFiguresRow.day))
    rows = session.execute(stmt).scalars().all()
    document = {"format": "qinglang.daily-figures/1",
                "days": [{"day": r.day.isoformat(), "figures": r.figures, "computed_at": r.computed_at.isoformat()}
                         for r in rows]}
    days = load_days(document)
    if isinstance(days, Problem):  # only a row written by another version of qinglang can fail to read
        raise InvalidInput(days.message, code="stats_figures_unreadable")
    return days


def period(session: Session, start: date, end: date, time_zone: str = DEFAULT_TIME_ZONE) -> Selection | Problem:
    """The period ``start..end`` from the stored days, with the previous period when every day of it is stored."""
    before_start, _ = previous_period(start, end)
    return select_period(read_days(session, min(start, before_start), end, time_zone), start, end)


def stored_days(session: Session, time_zone: str = DEFAULT_TIME_ZONE) -> Sequence[date]:
    stmt = select(DailyFiguresRow.day).where(DailyFiguresRow.time_zone == time_zone).order_by(DailyFiguresRow.day)
    return session.execute(stmt).scalars().all()
