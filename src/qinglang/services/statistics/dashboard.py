"""What the console's dashboard shows for a date range: the period's traceable figures by section, the charts,
the figures that breach the SLA, and the cases overdue right now (escalated or about to be).

The range is parsed here so the console and any other edge refuse the same things with the same codes:
``dashboard_date_invalid``, ``dashboard_range_reversed``, ``dashboard_range_too_long``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from qinglang.errors import InvalidInput
from qinglang.services.review.overdue import overdue_query
from qinglang.services.statistics import daily
from qinglang.statistics import charts, labels
from qinglang.statistics.catalogue import report_sections
from qinglang.statistics.figures import PeriodFigures
from qinglang.statistics.periods import local_day
from qinglang.statistics.problems import Problem
from qinglang.statistics.trace import Section
from qinglang.storage.base import utcnow
from qinglang.storage.tables.review import Case

MAX_DAYS = 366
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class OverdueCase:
    id: int
    queue: tuple[str, str]  # (Chinese, English) name of the queue
    target: str
    tier: int
    sla_due_at: datetime
    hours_late: float


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    period: PeriodFigures | None  # None: no day of the range has figures yet
    sections: tuple[Section, ...]
    charts: dict[str, str]  # name -> data: URI of the SVG
    breaches: frozenset[str]  # figure keys to highlight
    overdue: tuple[OverdueCase, ...]
    problem: Problem | None = None


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a day; write YYYY-MM-DD", code="dashboard_date_invalid") from None


def parse_range(start: str | None, end: str | None, time_zone: str) -> tuple[date, date]:
    """The range ``from..to`` of the page; by default the last seven days ending today (local)."""
    last = _day(end, "to") if end else local_day(utcnow(), time_zone)
    first = _day(start, "from") if start else last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise InvalidInput(f"the range ends ({last}) before it starts ({first}); swap the dates",
                           code="dashboard_range_reversed")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"show at most {MAX_DAYS} days at once", code="dashboard_range_too_long")
    return first, last


def breaches(period: PeriodFigures, sla_target: float) -> frozenset[str]:
    r = period.figures.reports
    found = set()
    if r.handled_late:
        found.add("reports.handled_late")
    if r.overdue_at_end:
        found.add("reports.overdue_at_end")
    if r.within_sla_rate is not None and r.within_sla_rate < sla_target:
        found.add("reports.within_sla_rate")
    return frozenset(found)


def overdue_now(session: Session, *, limit: int = 50) -> tuple[OverdueCase, ...]:
    now = utcnow()
    rows = session.execute(overdue_query(now, below_tier=None).order_by(Case.sla_due_at).limit(limit)).scalars()
    return tuple(OverdueCase(c.id, labels.name("category", c.queue), f"{c.target_kind}:{c.target_id}", c.tier, c.sla_due_at,
                             round((now - c.sla_due_at).total_seconds() / 3600, 1)) for c in rows)


def build(session: Session, start: date, end: date, time_zone: str, sla_target: float) -> Dashboard:
    chosen = daily.period(session, start, end, time_zone)
    late = overdue_now(session)
    if isinstance(chosen, Problem):
        return Dashboard(start, end, None, (), {}, frozenset(), late, chosen)
    svg = {"verdicts": charts.verdict_stack(chosen.days), "categories": charts.category_bars(chosen.days),
           "sla": charts.sla_line(chosen.days, sla_target)}
    return Dashboard(start, end, chosen.period, report_sections(chosen.period),
                     {name: charts.data_uri(s) for name, s in svg.items()}, breaches(chosen.period, sla_target), late)
