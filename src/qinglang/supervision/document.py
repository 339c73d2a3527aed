"""The supervision report as data: what every format (PDF, XLSX, CSV) renders, so all three hold the same figures.

``build_report`` takes a period's figures (and, where known, the previous period's and the days behind the
charts), numbers the sections the way a Chinese regulator's report is numbered (一、二、三…), and refuses a
report in which any figure cannot be traced to the list of items behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from qinglang.errors import QinglangError
from qinglang.statistics import charts
from qinglang.statistics.catalogue import report_sections
from qinglang.statistics.compare import Change, compare_periods
from qinglang.statistics.figures import DailyFigures, PeriodFigures
from qinglang.statistics.periods import DEFAULT_TIME_ZONE, is_calendar_month
from qinglang.statistics.trace import Section, check_traceability

TITLE = "内容生态治理监管报告"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class SupervisionReport:
    """One report: its period, when and for whom it was made, its numbered sections and its charts."""

    period: PeriodFigures
    sections: tuple[Section, ...]
    generated_at: datetime
    time_zone: str = DEFAULT_TIME_ZONE
    platform: str = ""
    changes: tuple[Change, ...] = ()  # the overview against the previous period, when it was given
    previous: tuple[date, date] | None = None
    charts: dict[str, str] = field(default_factory=dict)  # chart name -> SVG

    @property
    def monthly(self) -> bool:
        return is_calendar_month(self.period.start, self.period.end)

    @property
    def title(self) -> str:
        return f"{self.platform}{'月度' if self.monthly else ''}{TITLE}"

    @property
    def period_text(self) -> str:
        start, end = self.period.start, self.period.end
        if self.monthly:
            return f"{start.year}年{start.month}月"
        return f"{start.isoformat()} 至 {end.isoformat()}"

    @property
    def completeness_text(self) -> str:
        """The data statement on the cover: all days counted, or which days are missing."""
        p = self.period
        if p.complete:
            return f"本报告统计期内 {p.day_count} 天的日统计数据齐全。"
        missing = "、".join(d.isoformat() for d in p.missing[:10]) + ("等" if len(p.missing) > 10 else "")
        return (f"注意：统计期共 {p.day_count} 天，其中 {len(p.missing)} 天缺少日统计数据（{missing}），"
                f"本报告数字仅含其余 {p.day_count - len(p.missing)} 天。")

    def numbered(self) -> list[tuple[str, Section]]:
        """(``一、``, section) pairs in order."""
        return [(f"{NUMERALS[i]}、" if i < len(NUMERALS) else f"{i + 1}.", s) for i, s in enumerate(self.sections)]


class UntraceableReport(QinglangError):
    code = "report_untraceable"
    status = 500


def build_report(period: PeriodFigures, *, previous: PeriodFigures | None = None,
                 days: Sequence[DailyFigures] = (), generated_at: datetime | None = None,
                 time_zone: str = DEFAULT_TIME_ZONE, platform: str = "") -> SupervisionReport:
    """The report of ``period``. ``days`` (the daily figures of the period) draw the charts; ``previous`` adds
    the 环比 column. Raises ``UntraceableReport`` if any figure lacks a drill-down into its period."""
    sections = report_sections(period)
    problems = check_traceability((f for s in sections for f in s.figures), period.start, period.end)
    if problems:
        raise UntraceableReport("; ".join(p.message for p in problems[:5]), details={"count": len(problems)})
    return SupervisionReport(
        period=period,
        sections=sections,
        generated_at=generated_at or datetime.now(UTC),
        time_zone=time_zone,
        platform=platform,
        changes=compare_periods(period, previous) if previous is not None else (),
        previous=(previous.start, previous.end) if previous is not None else None,
        charts=_charts(days),
    )


def _charts(days: Sequence[DailyFigures]) -> dict[str, str]:
    if not days:
        return {}
    return {"verdicts": charts.verdict_stack(days), "categories": charts.category_bars(days),
            "sla": charts.sla_line(days)}
