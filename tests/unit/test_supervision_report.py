"""The supervision report in its three formats holds the same, traceable figures.

The PDF is rendered once (WeasyPrint, a few seconds) and its text extracted with pypdf; the workbook is read
back with openpyxl and the CSV with the csv module, and each is checked against the figures themselves.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from qinglang.errors import InvalidInput
from qinglang.statistics.aggregate import aggregate
from qinglang.statistics.catalogue import report_sections
from qinglang.supervision import build_report, render, render_report
from qinglang.supervision.values import exported, shown
from qinglang.testing.figures import november, october

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)
DAYS = november()
PERIOD = aggregate(DAYS, NOV_1, NOV_30)
PREVIOUS = aggregate(october(), date(2026, 10, 1), NOV_1.replace(month=10, day=31))
GENERATED = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
REPORT = build_report(PERIOD, previous=PREVIOUS, days=DAYS, generated_at=GENERATED, platform="示例平台")
SECTION_TITLES = ["总体情况", "内容审核处置情况", "作品下架情况", "账号处置情况", "举报受理与办结情况", "举报奖励情况",
                  "黑名单登记情况", "申诉复核情况", "审核团队与质量", "举一反三排查情况"]


def figures_by_key():
    return {f.key: f for s in report_sections(PERIOD)[1:] for f in s.figures}


@pytest.fixture(scope="module")
def pdf_text() -> str:
    pdf = render(REPORT, "pdf")
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_title_period_and_every_section_in_order(pdf_text):
    assert "示例平台月度内容生态治理监管报告" in pdf_text
    assert "统计期：2026年11月" in pdf_text and "生成时间：2026-12-01 10:30" in pdf_text
    assert "本报告统计期内 30 天的日统计数据齐全。" in pdf_text
    numbered = [f"{n}、{t}" for n, t in zip("一二三四五六七八九十", SECTION_TITLES, strict=True)]
    positions = [pdf_text.find(title) for title in numbered]
    assert -1 not in positions and positions == sorted(positions)
    assert "附录：数据追溯" in pdf_text


def test_rendering_a_pdf_leaves_truncated_images_refused(pdf_text):
    """WeasyPrint turns on Pillow's global LOAD_TRUNCATED_IMAGES when imported; the report puts it back."""
    from PIL import Image, ImageFile

    from qinglang.imaging.decode import ImageError, decode_bytes

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    out = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(out, "JPEG")
    with pytest.raises(ImageError) as refused:
        decode_bytes(out.getvalue()[: out.tell() // 2], "cut.jpg")
    assert refused.value.code == "image_corrupt"


def test_pdf_shows_the_figures_as_a_reader_reads_them(pdf_text):
    f = figures_by_key()
    text = pdf_text.replace("\n", " ")
    for key in ("reports.received", "reports.handled", "reports.within_sla_rate", "reports.time_to_handle.median",
                "screening.porn.block", "works.books", "accounts.closed", "rewards.paid_cents",
                "appeals.overturn_rate", "lists.added.block.domain"):
        assert shown(f[key]) in text, key
    assert f"收到举报 {shown(f['reports.received'])}" in text
    assert "环比" in text and "上期（2026-10-01 至 2026-10-31）" in text


def test_pdf_traces_figures_in_its_appendix(pdf_text):
    text = pdf_text.replace("\n", "")
    assert "/console/reports?closed=2026-11-01..2026-11-30&within_sla=yes" in text


def test_an_incomplete_period_says_so_on_its_cover():
    partial = aggregate([d for d in DAYS if d.day.day != 7], NOV_1, NOV_30)
    html = build_report(partial, generated_at=GENERATED)
    assert "其中 1 天缺少日统计数据（2026-11-07）" in html.completeness_text
    csv_text = render(html, "csv").decode("utf-8-sig")
    assert "reports.received" in csv_text


def test_workbook_holds_the_same_figures_as_numbers():
    book = load_workbook(io.BytesIO(render(REPORT, "xlsx")))
    assert book.sheetnames[0] == "说明"
    assert book.sheetnames[1:11] == [f"{n}、{t}" for n, t in zip("一二三四五六七八九十", SECTION_TITLES, strict=True)]
    readme = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert readme["统计期"] == "2026年11月" and readme["开始日期"] == "2026-11-01" and readme["时区"] == "Asia/Shanghai"
    assert readme["生成时间"] == "2026-12-01 10:30:00"
    expected = {f.key: f for s in REPORT.sections for f in s.figures}
    seen = 0
    for sheet in book.worksheets[1:11]:
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert header == ("指标", "分项", "数值", "单位", "显示值", "指标代码", "追溯路径")
        for label, _dim, value, _unit, display, key, url in rows:
            figure = expected[key]
            assert (label, display, url) == (figure.label_zh, shown(figure), figure.drill_down.url)
            assert value == pytest.approx(exported(figure), rel=1e-12)  # Excel keeps 15 significant digits
            seen += 1
    assert seen == sum(len(s.figures) for s in REPORT.sections)
    handled = next(r for r in book["五、举报受理与办结情况"].iter_rows() if r[5].value == "reports.within_sla_rate")
    assert handled[2].number_format == "0.0%" and isinstance(handled[2].value, float)
    assert [r[0] for r in book["环比"].iter_rows(values_only=True)][1] == "机器审核内容"


def test_csv_has_a_bom_and_round_trips_every_figure():
    data = render(REPORT, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    expected = [(s, f) for n, s in REPORT.numbered() for f in s.figures]
    assert len(rows) == len(expected)
    for row, (section, figure) in zip(rows, expected, strict=True):
        assert row["章节"].endswith(section.title_zh) and row["指标代码"] == figure.key
        value = exported(figure)
        assert row["数值"] == ("" if value is None else str(value))
        assert row["追溯路径"] == figure.drill_down.url


def test_render_report_takes_the_period_and_a_format_name():
    data = render_report(PERIOD, "CSV", generated_at=GENERATED)
    assert data.decode("utf-8-sig").splitlines()[0] == "章节,指标,分项,数值,单位,显示值,指标代码,追溯路径"
    with pytest.raises(InvalidInput) as refused:
        render_report(PERIOD, "docx")
    assert refused.value.code == "report_format_unknown"


def test_text_that_looks_like_a_formula_stays_text():
    from qinglang.statistics.figures import DailyFigures, FigureSet, ReviewerFigures, TeamFigures

    day = DailyFigures(NOV_1, FigureSet(team=TeamFigures({"=HYPERLINK(\"http://x\")": ReviewerFigures(decisions=2)})))
    report = build_report(aggregate([day], NOV_1, NOV_1), generated_at=GENERATED)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    cells = [row[1] for row in book["九、审核团队与质量"].iter_rows(min_row=2) if row[1].value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    assert "'=HYPERLINK(\"http://x\")" in [r[2] for r in rows]
    assert not any(field.startswith("=") for r in rows for field in r)


def test_a_report_with_an_untraceable_figure_is_refused(monkeypatch):
    from qinglang.statistics.trace import Figure, Section, drill
    from qinglang.supervision import UntraceableReport, document

    stray = Section("x", "某节", "Some section", (Figure("x.y", 1, "某数", "a number", drill("/console/nowhere")),))
    monkeypatch.setattr(document, "report_sections", lambda period: (stray,))
    with pytest.raises(UntraceableReport) as refused:
        build_report(PERIOD, generated_at=GENERATED)
    assert refused.value.code == "report_untraceable" and "/console/nowhere is not a console list" in refused.value.message
