"""The audit page in headless Chromium: filter by actor, kind and day, follow a link to narrow further, export
the selected range as CSV and JSON lines (the download holds exactly the rows shown, plus nothing else)."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from console_support import fresh_settings, seed

from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.testing.live_server import LiveServer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")


@pytest.fixture
def server(tmp_path):
    settings = fresh_settings(tmp_path)
    seed(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    with transaction(factory) as s:
        for n in range(3):
            append_audit_event(s, "reviewer:rev", "case.decided", "case", n + 1, {"choice": "pass"})
        append_audit_event(s, "reviewer:sen", "approval.approved", "approval", 1, {})
    live = LiveServer.start(settings)
    yield live
    live.stop()


def test_filter_and_export_a_range(browser, server):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", "aud")
    page.fill("input[name=password]", "password-aud")
    page.click("button[type=submit]")
    page.goto(f"{server.url}/console/audit")
    total = page.locator("#audit tbody tr[data-seq]").count()
    assert total >= 8  # four users created, four events above

    page.fill("#audit-filter input[name=kind]", "case.decided")
    page.click("#audit-filter button")
    page.wait_for_url("**kind=case.decided**")
    assert page.locator("#audit tbody tr[data-seq]").count() == 3
    page.click("#audit tbody tr >> nth=0 >> text=reviewer:rev")  # an actor is a link to its events
    page.wait_for_url("**actor=reviewer%3Arev**")
    today = datetime.now(UTC).date().isoformat()
    page.goto(f"{server.url}/console/audit?actor=rev&kind=case.&from={today}&to={today}")
    assert page.locator("#audit tbody tr[data-seq]").count() == 3
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "audit.png"), full_page=True)

    with page.expect_download() as got:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert [r["action"] for r in rows] == ["case.decided"] * 3 and {r["actor"] for r in rows} == {"reviewer:rev"}
    with page.expect_download() as got:
        page.click("#export-jsonl")
    lines = [json.loads(x) for x in Path(got.value.path()).read_text(encoding="utf-8").splitlines()]
    assert [x["subject_id"] for x in lines] == ["1", "2", "3"]

    page.goto(f"{server.url}/console/audit?from=2026-12-31&to=2026-01-01")  # a bad range is an HTML error page
    assert page.get_attribute("p.error", "data-code") == "invalid_date_range"
    response = page.goto(f"{server.url}/console/audit?from=not-a-day")
    assert response.status == 422 and "text/html" in response.headers["content-type"]
    assert page.get_attribute("p.error", "data-code") == "invalid_date"
