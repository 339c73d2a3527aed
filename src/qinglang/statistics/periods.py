"""Calendar days and periods in the platform's time zone, and the UTC windows the database is queried with.

A regulator's "November" is November in the platform's local time (for a platform in China,
``Asia/Shanghai``), while every timestamp in the database is aware UTC. A day's figures therefore count the
rows with ``window.start <= timestamp < window.end`` where the window is that local day converted to UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval ``[start, end)`` of aware UTC datetimes."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def day_window(day: date, time_zone: str = DEFAULT_TIME_ZONE) -> Window:
    """The UTC window of one local calendar day (23 or 25 hours long where the zone changes its clocks)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone)
    return Window(start.astimezone(UTC), end.astimezone(UTC))


def period_window(start: date, end: date, time_zone: str = DEFAULT_TIME_ZONE) -> Window:
    """The UTC window from the start of local day ``start`` to the end of local day ``end``."""
    return Window(day_window(start, time_zone).start, day_window(end, time_zone).end)


def local_day(moment: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """The local calendar day an aware timestamp falls on: the day whose figures count it."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be aware (UTC in the database); got a naive datetime")
    return moment.astimezone(ZoneInfo(time_zone)).date()


def days_in(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` to ``end``, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def is_calendar_month(start: date, end: date) -> bool:
    return start.day == 1 and end.month == start.month and end.year == start.year and (end + timedelta(1)).day == 1


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period to compare with: the previous calendar month for a calendar month (环比), otherwise the same
    number of days just before ``start``."""
    if is_calendar_month(start, end):
        last = start - timedelta(days=1)
        return last.replace(day=1), last
    length = end - start
    return start - length - timedelta(days=1), start - timedelta(days=1)
