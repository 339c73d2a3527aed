"""The supervision report as an Excel workbook (openpyxl): a 说明 (README) sheet, then one sheet per section.

Every figure is one row: 指标, 分项, 数值 (a real number with a number format, so it sums and sorts), 单位,
显示值 (as printed in the PDF), 指标代码 (the stable key) and 追溯路径 (the console list behind the number).
The README sheet holds the period, the time zone, the generation time, the completeness statement and how
to read the drill-down paths.
"""

from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from qinglang.statistics.trace import Figure, Section
from qinglang.supervision import values
from qinglang.supervision.document import SupervisionReport

COLUMNS = ("指标", "分项", "数值", "单位", "显示值", "指标代码", "追溯路径")
WIDTHS = (26, 30, 14, 8, 18, 44, 70)
NUMBER_FORMATS = {"count": "#,##0", "seconds": "#,##0", "ratio": "0.0%", "cents": "¥#,##0.00"}
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F1E6E6")
README_SHEET = "说明"
CHANGES_SHEET = "环比"


def sheet_title(number: str, section: Section) -> str:
    """Excel allows 31 characters and no ``[]:*?/\\`` in a sheet name."""
    title = f"{number}{section.title_zh}"
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def render_xlsx(report: SupervisionReport) -> bytes:
    book = Workbook()
    _readme(book.active, report)
    for number, section in report.numbered():
        _section_sheet(book.create_sheet(sheet_title(number, section)), section)
    if report.changes:
        _changes_sheet(book.create_sheet(CHANGES_SHEET), report)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _readme(sheet: Worksheet, report: SupervisionReport) -> None:
    sheet.title = README_SHEET
    zone = ZoneInfo(report.time_zone)
    rows = [
        ("报告", report.title),
        ("统计期", report.period_text),
        ("开始日期", report.period.start.isoformat()),
        ("结束日期", report.period.end.isoformat()),
        ("时区", report.time_zone),
        ("生成时间", report.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")),
        ("数据完整性", report.completeness_text),
        ("缺少日统计的日期", "、".join(d.isoformat() for d in report.period.missing) or "无"),
        ("追溯方法", "每个工作表的“追溯路径”列是控制台清单及筛选条件：a..b 为含首尾的自然日区间，*_on 为当日结束时的状态。"),
        ("数值说明", "数量为整数；时长单位为秒；比例为小数（0.925 即 92.5%）；金额单位为元；空白表示无可计算数据（不是 0）。"),
    ]
    rows += [(f"工作表 {i + 2}", sheet_title(n, s)) for i, (n, s) in enumerate(report.numbered())]
    if report.previous:
        rows.append(("环比对照期", f"{report.previous[0].isoformat()} 至 {report.previous[1].isoformat()}（工作表“环比”）"))
    for row in rows:
        sheet.append(row)
    for cell in sheet["A"]:
        cell.font = HEADER
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100


def _section_sheet(sheet: Worksheet, section: Section) -> None:
    sheet.append(COLUMNS)
    for cell, width in zip(sheet[1], WIDTHS, strict=True):
        cell.font, cell.fill = HEADER, HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    for figure in section.figures:
        sheet.append(_row(figure))
        for column in (1, 2, 5, 6, 7):  # text, never a formula (openpyxl reads a leading "=" as one)
            sheet.cell(sheet.max_row, column).data_type = "s"
        sheet.cell(sheet.max_row, 3).number_format = NUMBER_FORMATS.get(figure.unit, "General")
        sheet.cell(sheet.max_row, 3).alignment = Alignment(horizontal="right")
    sheet.freeze_panes = "A2"


def _row(figure: Figure) -> tuple:
    return (figure.label_zh, figure.dimension_zh, values.exported(figure), values.unit_name(figure),
            values.shown(figure), figure.key, figure.drill_down.url)


def _changes_sheet(sheet: Worksheet, report: SupervisionReport) -> None:
    """The overview against the previous period: both values, the difference and the relative change."""
    sheet.append(("指标", "本期", "上期", "变化", "变化率", "单位", "指标代码"))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER, HEADER_FILL
    for change in report.changes:
        fig = change.figure
        scale = 100 if fig.unit == "cents" else 1
        previous = change.previous / scale if change.previous is not None else None
        delta = change.delta / scale if change.delta is not None else None
        sheet.append((fig.label_zh, values.exported(fig), previous, delta, change.relative, values.unit_name(fig),
                      fig.key))
        for column in (2, 3, 4):
            sheet.cell(sheet.max_row, column).number_format = NUMBER_FORMATS.get(fig.unit, "General")
        sheet.cell(sheet.max_row, 5).number_format = "+0.0%;-0.0%;0.0%"
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["G"].width = 36
