"""Server-rendered SVG charts of daily figures, for the dashboard and the PDF report.

Drawn by pygal, which writes plain SVG on the server. Its tooltips need a script it would link from a CDN,
and it always writes a small inline config script: ``js=[]`` leaves the first out and ``_static_image``
the second, so each chart is one self-contained ``<svg>`` string with no JavaScript and no network. Every chart
carries a ``<title>`` (read by screen readers), axis titles and text labels in Chinese, drawn with the CJK font
(Noto Sans CJK SC, installed by CI) and falling back to the system's sans-serif.

Embedding: pygal styles the chart with an inline ``<style>`` element, which the console's Content-Security-Policy
(``style-src 'self'``) refuses inside an HTML page. Show a chart as an image instead — ``<img src="{{
data_uri(svg) }}" alt="...">`` (``img-src`` allows ``data:``) — with the chart's title as ``alt`` and the
figures in a table beside it. WeasyPrint, for the PDF, takes the ``<svg>`` inline.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pygal
from pygal.style import Style

from qinglang.domain.model import HARM_CATEGORIES
from qinglang.statistics import labels
from qinglang.statistics.figures import DailyFigures

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
VERDICT_COLOURS = {"pass": "#4c9f70", "review": "#e0a100", "block": "#c0392b"}

STYLE = Style(
    font_family=FONT,
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=("#c0392b", "#8e44ad", "#2c7fb8", "#e67e22", "#16a085", "#7f8c8d"),
    title_font_size=16,
    label_font_size=11,
    legend_font_size=12,
)


def _static_image(root):
    """pygal's xml filter hook: remove every ``<script>`` element (pygal writes one even with ``js=[]``) and mark
    the chart as an image for assistive technology (its ``<title>`` is the name read out)."""
    root.set("role", "img")
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def data_uri(svg: str) -> str:
    """The chart as a ``data:`` URI for an ``<img src>`` (see the module docstring for why)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _chart(kind, title: str, y_title: str, days: Sequence[DailyFigures], **options) -> pygal.Graph:
    chart = kind(style=options.pop("style", STYLE), js=[], title=title, x_title="日期",
                 y_title=y_title, disable_xml_declaration=True, width=720, height=340, legend_at_bottom=True,
                 no_data_text="本期无数据", x_label_rotation=-45 if len(days) > 14 else 0, **options)
    chart.x_labels = [d.day.strftime("%m-%d") for d in days]
    chart.add_xml_filter(_static_image)
    return chart


def _render(chart: pygal.Graph) -> str:
    return chart.render(is_unicode=True)


def category_bars(days: Sequence[DailyFigures]) -> str:
    """Contents flagged (sent to review or blocked) per harm category, one group of bars per day."""
    days = sorted(days, key=lambda d: d.day)
    chart = _chart(pygal.Bar, "每日违规内容（按类别）", "内容数", days)
    for category in HARM_CATEGORIES:
        counts = [d.figures.screening.verdicts.get(category, {}) for d in days]
        chart.add(labels.name("category", category)[0], [c.get("review", 0) + c.get("block", 0) for c in counts])
    return _render(chart)


def verdict_stack(days: Sequence[DailyFigures]) -> str:
    """Contents screened per day, stacked by verdict (pass, sent to review, blocked)."""
    days = sorted(days, key=lambda d: d.day)
    style = Style(**{**STYLE.to_dict(), "colors": tuple(VERDICT_COLOURS.values())})
    chart = _chart(pygal.StackedBar, "每日机器审核结论", "内容数", days, style=style)
    for verdict in VERDICT_COLOURS:
        chart.add(labels.name("verdict", verdict)[0], [d.figures.screening.by_verdict.get(verdict, 0) for d in days])
    return _render(chart)


def sla_line(days: Sequence[DailyFigures], target: float = 0.9) -> str:
    """Share of reports handled within their SLA per day, against the ``target`` share (a dashed line).

    Days without any handled report have no point (a gap), not 0%.
    """
    days = sorted(days, key=lambda d: d.day)
    chart = _chart(pygal.Line, "举报按时办结率", "按时办结率", days, range=(0, 1), include_x_axis=True,
                   value_formatter=lambda v: f"{v:.0%}", dots_size=3, allow_interruptions=True)
    chart.add("按时办结率", [d.figures.reports.within_sla_rate for d in days])
    chart.add(f"目标 {target:.0%}", [target] * len(days), stroke_style={"dasharray": "6, 4"}, show_dots=False)
    return _render(chart)
