"""The supervision report as CSV: one row per figure, UTF-8 with a byte-order mark so Excel opens the Chinese
headers correctly (without it Excel reads the file as the local ANSI code page and shows mojibake).

Columns: 章节, 指标, 分项, 数值, 单位, 显示值, 指标代码, 追溯路径 — the same as the workbook's sheets plus the
section, so the file is one long table that any tool can filter. Values are plain numbers (see values.py);
an undefined figure is an empty field. Text that a spreadsheet would run as a formula is made inert.
"""

from __future__ import annotations

import csv
import io

from qinglang.supervision import values
from qinglang.supervision.document import SupervisionReport

COLUMNS = ("章节", "指标", "分项", "数值", "单位", "显示值", "指标代码", "追溯路径")
BOM = "\ufeff"


def render_csv(report: SupervisionReport) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for number, section in report.numbered():
        for f in section.figures:
            value = values.exported(f)
            writer.writerow((f"{number}{section.title_zh}", f.label_zh, values.inert_text(f.dimension_zh),
                             "" if value is None else value, values.unit_name(f), values.shown(f),
                             values.inert_text(f.key), f.drill_down.url))
    return (BOM + out.getvalue()).encode("utf-8")
