"""Supervision reports (监管报告): a period's statistics as the Chinese-language report a regulator reads.

``render_report(period, "pdf" | "xlsx" | "csv")`` -> bytes. The figures, their sections and their drill-downs
come from ``qinglang.statistics.catalogue``; this room only lays them out (Jinja2 + WeasyPrint for PDF,
openpyxl for XLSX, the csv module for CSV). It reads no database: the caller passes the figures.
"""

from qinglang.supervision.document import SupervisionReport, UntraceableReport, build_report
from qinglang.supervision.render import ReportFormat, render, render_report, report_format

__all__ = ["ReportFormat", "SupervisionReport", "UntraceableReport", "build_report", "render", "render_report",
           "report_format"]
