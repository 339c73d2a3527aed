"""In a real headless Chromium: a lead opens the shadow-differences page from the menu, sees the stored
differences with their summary, filters them, and an auditor may read the page while a reviewer may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_support import fresh_settings, seed

from qinglang.config import ScreeningSettings
from qinglang.pipeline import Screener
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import make_engine, make_session_factory
from qinglang.testing.live_server import LiveServer

pytestmark = pytest.mark.browser
STRICT = Path(__file__).with_name("shadow_strict_policy.yaml")


@pytest.fixture
def stack(tmp_path):
    settings = fresh_settings(tmp_path)
    seed(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    screener = Screener.from_settings(ScreeningSettings(detectors=["contacts"], shadow_policy_path=STRICT))
    screening = ScreeningService(screener, factory)
    for content_id, text in (("h-1", "联系微信 abc123"), ("clean", "今天天气很好。"), ("h-2", "合作请加微信 qwe456")):
        submit_content(factory, screening, ContentSubmission(content_id=content_id, text=text), actor="platform")
    server = LiveServer.start(settings)
    yield server
    server.stop()


def _sign_in(browser, server, who: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"password-{who}")
    page.click("button[type=submit]")
    return page


def test_a_lead_reads_and_filters_the_shadow_differences(browser, stack):
    page = _sign_in(browser, stack, "lead")
    page.click("nav >> text=影子策略差异")
    rows = page.locator("#shadow-differences tbody tr[data-id]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-direction") == "stricter" and "h-2" in rows.nth(0).inner_text()
    assert page.locator("#shadow-summary tr[data-live=review][data-shadow=block] .count").inner_text() == "2"
    page.select_option("select[name=shadow_verdict]", "pass")
    page.click("#shadow-filter button[type=submit]")
    assert page.locator("#shadow-differences tbody tr[data-id]").count() == 0
    assert "尚无差异" in page.locator("#shadow-differences").inner_text()


def test_an_auditor_may_read_it_and_a_reviewer_may_not(browser, stack):
    auditor = _sign_in(browser, stack, "aud")
    auditor.goto(f"{stack.url}/console/shadow")
    assert auditor.locator("#shadow-differences tbody tr[data-id]").count() == 2
    reviewer = _sign_in(browser, stack, "rev")
    response = reviewer.goto(f"{stack.url}/console/shadow")
    assert response.status == 403
