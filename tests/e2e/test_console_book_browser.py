"""In a real headless Chromium: a reviewer finds a flagged book from the menu, reads it in English, takes the whole
book off the shelves after confirming, and the platform's webhook hears of it exactly once."""

from __future__ import annotations

import pytest
from console_support import Receiver, fresh_settings, seed

from qinglang.detectors.base import Detector
from qinglang.domain.model import Evidence, Signal
from qinglang.pipeline import Screener
from qinglang.policy import default_policy
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import make_engine, make_session_factory
from qinglang.testing.live_server import LiveServer
from qinglang.workers.review import ReviewWorker

pytestmark = pytest.mark.browser
CLEAN = "少年背着书箱赶路，天色渐晚，他在一座破庙里歇脚，听见雨声。"


class Explicit(Detector):
    name = "lexicon"
    version = "test-1"

    def detect(self, content):
        text = content.fields.get("text", "")
        start = text.find("色情")
        if start < 0:
            return []
        ev = Evidence(kind="text_span", field="text", start=start, end=start + 2, text="色情")
        return [Signal("lexicon", "porn/explicit", 0.95, (ev,), 3)]


@pytest.fixture
def stack(tmp_path):
    receiver = Receiver()
    settings = fresh_settings(tmp_path, receiver.url)
    seed(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    screening = ScreeningService(Screener([Explicit()], default_policy()), factory)
    for number in range(1, 6):
        submit_content(factory, screening, ContentSubmission(
            content_id=f"ch{number}", account_id="acc-1", kind="chapter", text=CLEAN + ("色情" if number > 3 else ""),
            book_id="book-b", chapter=number), actor="platform")
    server = LiveServer.start(settings)
    yield settings, factory, server, receiver
    server.stop()
    receiver.close()


def test_a_reviewer_takes_a_flagged_book_down_from_its_page(browser, stack):
    settings, factory, server, receiver = stack
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", "rev")
    page.fill("input[name=password]", "password-rev")
    page.click("button[type=submit]")
    page.click("nav >> text=作品")
    page.click("text=风险作品")
    page.click("a[href='/console/books/book-b']")
    assert page.locator("[data-flag=free_then_vulgar]").count() == 1
    assert page.locator("tr[data-verdict=block]").count() == 2
    page.click("a.lang")
    assert page.locator("#take-down-book").inner_text() == "Take the whole book down"
    page.fill("#take-down-form input[name=reason]", "paid chapters are explicit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#take-down-book")
    page.wait_for_selector("#take-down-result")
    assert page.get_attribute("#book-status", "data-status") == "off_shelf"
    worker = ReviewWorker(factory, settings.review)
    worker.run_once()
    worker.run_once()
    kinds = [e["action"]["kind"] for e in receiver.seen.values() if e.get("action", {}).get("target_kind") == "book"]
    assert kinds == ["take_down_book"] and receiver.duplicates == 0 and receiver.bad_signatures == 0
