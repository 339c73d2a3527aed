"""Acceptance of the dashboard in a real headless Chromium: three days of known activity are seeded through the
services (``qinglang.testing.activity``), counted into daily figures, and the dashboard's numbers are checked
against counts this test works out from the scenario's own ledger; every count on the page is followed to the
list behind it, which must hold exactly that many items; the report is downloaded as PDF (text extracted with
pypdf), XLSX (read with openpyxl) and CSV and must carry the same figures."""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import pytest
from console_support import fresh_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from qinglang.services.review import overdue
from qinglang.services.statistics import daily
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.activity import DAYS, ZONE, Scenario
from qinglang.testing.live_server import LiveServer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
RANGE = f"from={DAYS[0].isoformat()}&to={DAYS[-1].isoformat()}"


@pytest.fixture
def stack(tmp_path):
    settings = fresh_settings(tmp_path)
    engine = make_engine(settings.database.url)
    factory = make_session_factory(engine)
    ledger = Scenario(factory).run()
    daily.recount_range(factory, DAYS[0], DAYS[-1], ZONE)
    with transaction(factory) as session:
        escalated = overdue.escalate_overdue(session)  # today: every review case of the scenario is long overdue
    server = LiveServer.start(settings)
    yield server, ledger, escalated
    server.stop()
    engine.dispose()


def _expected(ledger) -> dict[str, int]:
    """The figures of the three days, counted from what the scenario did (not from the database)."""
    screened, handled, decided = ledger.find("screened"), ledger.find("handled"), ledger.find("decided")
    times = sorted(h["seconds"] for h in handled)
    return {
        "screening.screened": len(screened),
        "screening.automatic_blocks": sum(s["verdict"] == "block" for s in screened),
        "screening.porn.block": sum((s["category"], s["verdict"]) == ("porn", "block") for s in screened),
        "screening.detector_hits.lexicon": sum("lexicon" in s["hits"] for s in screened),
        "decisions.decided": len(decided),
        "decisions.violations": sum(d["outcome"] == "violation" for d in decided),
        "reports.received": ledger.count("report"),
        "reports.merged": ledger.count("report", merged=True),
        "reports.handled": len(handled),
        "reports.verified": sum(h["verified"] for h in handled),
        "reports.handled_within_sla": sum(h["within_sla"] for h in handled),
        "reports.handled_late": sum(not h["within_sla"] for h in handled),
        "reports.time_to_handle.median": times[math.ceil(0.5 * len(times)) - 1],
        "actions.taken": ledger.count("action"),
        "actions.take_down": ledger.count("action", kind="take_down"),
        "actions.reverted": ledger.count("action_reverted"),
        "accounts.suspended": len({a["account"] for a in ledger.find("action", kind="suspend")}),
        "accounts.closed": len({a["account"] for a in ledger.find("action", kind="close")}),
        "works.books": len({a["book"] for a in ledger.find("action", work="chapter")}),
        "works.chapters": ledger.count("action", work="chapter"),
        "works.articles": ledger.count("action", work="article"),
        "lists.added.block.domain": ledger.count("list_added", kind="domain"),
        "appeals.received": ledger.count("appeal_filed"),
        "appeals.overturned": ledger.count("appeal_decided", status="overturned"),
        "rewards.credited": ledger.count("credited"),
        "rewards.paid_cents": sum(p["cents"] for p in ledger.find("paid")),
        "rewards.refused": ledger.count("refused"),
        "team.reviewer.rev1.decisions": ledger.count("decided", reviewer="rev1"),
        "team.reviewer.rev1.second_reviewed": ledger.count("second_review", reviewer="rev1"),
        "team.reviewer.rev2.calibration_answered": ledger.count("calibration", reviewer="rev2"),
    }


def _login(page, url: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", "password-lead")
    page.click("button[type=submit]")
    page.wait_for_url("**/console**")


def _numbers(page) -> dict[str, tuple[str, str]]:
    """Every figure on the page: key -> (value, link)."""
    return page.eval_on_selector_all(
        "a[data-key]", "els => Object.fromEntries(els.map(e => [e.dataset.key, [e.dataset.value, e.getAttribute('href')]]))")


def test_dashboard_numbers_lists_and_downloads_agree_with_the_scenario(browser, stack, tmp_path):
    server, ledger, escalated = stack
    page = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True).new_page()
    errors: list[str] = []
    # any error on these pages fails the test, a CSP violation included
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, server.url)
    page.goto(f"{server.url}/console/dashboard?{RANGE}")
    numbers = _numbers(page)
    expected = _expected(ledger)
    assert {k: int(numbers[k][0]) for k in expected} == expected

    # SLA breaches are highlighted; the overdue cases are listed, escalated by the worker's duty
    assert page.locator("tr.breach a[data-key='reports.handled_late']").count() == 1
    assert escalated == 3 and page.locator("#overdue-now tbody tr.breach").count() == 3
    assert page.locator("#overdue-now").inner_text().count("已升级至复核层级") == 3
    assert page.locator(".charts img[src^='data:image/svg+xml;base64,']").count() == 3
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "dashboard.png"), full_page=False)

    # every count is a link to the list of exactly the items it counts
    counts = {k: (v, href) for k, (v, href) in numbers.items() if v != "" and "." in k and not _measure(k)}
    for key, (value, href) in sorted(counts.items()):
        page.goto(server.url + href)
        assert page.locator("#count").get_attribute("data-count") == value, (key, href)
    assert not errors, errors

    _downloads(page, server.url, expected, tmp_path)

    # a reversed range is an HTML error page with its code; the English toggle labels the same figures
    page.goto(f"{server.url}/console/dashboard?from={DAYS[-1].isoformat()}&to={DAYS[0].isoformat()}")
    assert "dashboard_range_reversed" in page.content()
    page.context.add_cookies([{"name": "ql_lang", "value": "en", "url": server.url}])
    page.goto(f"{server.url}/console/dashboard?{RANGE}")
    assert page.locator("h1").inner_text() == "Dashboard"
    row = page.locator("tr", has=page.locator("a[data-key='reports.received']")).first
    assert "Reports received" in row.inner_text() and str(expected["reports.received"]) in row.inner_text()


def _measure(key: str) -> bool:
    """Figures that are not counts of items (rates, durations, money)."""
    return key.endswith(("_rate", ".median", ".p90", "_cents", "agreement"))


def _download(page, url: str, fmt: str, tmp_path) -> Path:
    page.goto(f"{url}/console/dashboard?{RANGE}")
    with page.expect_download() as info:
        page.click(f"a.download[data-format={fmt}]")
    path = tmp_path / f"report.{fmt}"
    info.value.save_as(path)
    return path


def _downloads(page, url: str, expected: dict[str, int], tmp_path) -> None:
    pdf = _download(page, url, "pdf", tmp_path)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", " ")
    assert "内容生态治理监管报告" in text and f"{DAYS[0].isoformat()} 至 {DAYS[-1].isoformat()}" in text
    assert f"收到举报 {expected['reports.received']}" in text
    assert f"办结举报 {expected['reports.handled']}" in text
    assert f"关闭账号 {expected['accounts.closed']}" in text
    book = load_workbook(_download(page, url, "xlsx", tmp_path))
    cells = {row[5]: row[2] for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for key, value in expected.items():
        assert cells[key] == (value / 100 if key.endswith("_cents") else value), key
    rows = {r["指标代码"]: r["数值"] for r in csv.DictReader(io.StringIO(
        _download(page, url, "csv", tmp_path).read_text("utf-8-sig")))}
    assert rows["reports.received"] == str(expected["reports.received"])
