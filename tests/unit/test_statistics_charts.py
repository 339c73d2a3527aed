"""SVG charts: self-contained (no script, no external reference), titled, labelled in Chinese."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from qinglang.statistics.charts import category_bars, data_uri, sla_line, verdict_stack
from qinglang.statistics.figures import DailyFigures, FigureSet, ReportFigures
from qinglang.testing.figures import november

SVG = "{http://www.w3.org/2000/svg}"
DAYS = november()[:10]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(("draw", "title"), [
    (category_bars, "每日违规内容（按类别）"), (verdict_stack, "每日机器审核结论"), (sla_line, "举报按时办结率")])
def test_chart_is_a_titled_image_without_script_or_network(draw, title):
    svg = draw(DAYS)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == title
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    refs = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href") or k == "src"]
    assert all(not r.startswith(("http", "//")) for r in refs)
    texts = {e.text for e in root.iter() if e.text}
    assert "日期" in texts and "11-01" in texts and "11-10" in texts


def test_category_bars_name_every_harm_category_and_stack_names_verdicts():
    texts = {e.text for e in parse(category_bars(DAYS)).iter() if e.text}
    assert {"色情低俗", "黑产广告/导流", "赌博", "诈骗", "谩骂引战"} <= texts
    texts = {e.text for e in parse(verdict_stack(DAYS)).iter() if e.text}
    assert {"通过", "转人工审核", "自动拦截"} <= texts


def test_sla_line_leaves_a_gap_on_a_day_with_nothing_handled():
    days = [DailyFigures(date(2026, 11, d), FigureSet(reports=ReportFigures(handled=4, handled_within_sla=3)))
            for d in (1, 2, 4)]
    days.insert(2, DailyFigures(date(2026, 11, 3)))
    root = parse(sla_line(days))
    dots = [c for c in root.iter(f"{SVG}circle") if "dot" in (c.get("class") or "")]
    assert len(dots) == 3  # the target line has no dots; 11-03 has none: nothing was handled, which is not 0%
    assert len({d.get("cx") for d in dots}) == 3


def test_data_uri_embeds_the_svg():
    assert data_uri("<svg/>") == "data:image/svg+xml;base64,PHN2Zy8+"
