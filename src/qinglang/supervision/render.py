"""``render_report``: a period's figures to the bytes of a supervision report in one format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from qinglang.errors import InvalidInput
from qinglang.statistics.figures import DailyFigures, PeriodFigures
from qinglang.statistics.periods import DEFAULT_TIME_ZONE
from qinglang.supervision.csv_text import render_csv
from qinglang.supervision.document import SupervisionReport, build_report
from qinglang.supervision.pdf import render_pdf
from qinglang.supervision.workbook import render_xlsx


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]


MEDIA_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}
RENDERERS = {ReportFormat.PDF: render_pdf, ReportFormat.XLSX: render_xlsx, ReportFormat.CSV: render_csv}


def report_format(name: str) -> ReportFormat:
    """The format named ``name``; ``InvalidInput`` (code ``report_format_unknown``) for any other name."""
    try:
        return ReportFormat(name.lower())
    except ValueError:
        raise InvalidInput(f"unknown report format {name!r}; use one of pdf, xlsx, csv",
                           code="report_format_unknown") from None


def render(report: SupervisionReport, fmt: ReportFormat | str) -> bytes:
    """An already built report in ``fmt``."""
    return RENDERERS[report_format(str(fmt))](report)


def render_report(period: PeriodFigures, fmt: ReportFormat | str, *, previous: PeriodFigures | None = None,
                  days: Sequence[DailyFigures] = (), generated_at: datetime | None = None,
                  time_zone: str = DEFAULT_TIME_ZONE, platform: str = "") -> bytes:
    """The supervision report of ``period`` as PDF, XLSX or CSV bytes.

    ``previous`` adds the comparison with the previous period (环比); ``days`` (the period's daily figures)
    draws the PDF's charts; ``generated_at`` defaults to now. See ``document.build_report``.
    """
    report = build_report(period, previous=previous, days=days, generated_at=generated_at, time_zone=time_zone,
                          platform=platform)
    return render(report, fmt)
