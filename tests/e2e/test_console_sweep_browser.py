"""In a real headless Chromium: a lead opens a queued sweep, whose page polls until the worker has run it and then
shows what it found; the lead unticks one content, takes the rest down in one submit, and the worker delivers each
take-down to the platform's webhook exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from console_support import Receiver, fresh_settings, seed

from qinglang.config import ScreeningSettings
from qinglang.domain.sweeps import SeedKind
from qinglang.pipeline import Screener
from qinglang.services import sweep_jobs, sweeps
from qinglang.services.audit.verify import verify_chain
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.live_server import LiveServer
from qinglang.workers.review import ReviewWorker

pytestmark = pytest.mark.browser
PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]


@pytest.fixture
def stack(tmp_path):
    receiver = Receiver()
    settings = fresh_settings(tmp_path, receiver.url)
    seed(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), factory)
    for content_id, text in (("copy-1", PASSAGES[2]), ("copy-2", PASSAGES[2].replace("，", "、")),
                             ("teaser", PASSAGES[2][:250] + "加我薇信 abc123 看全集")):
        submit_content(factory, screening, ContentSubmission(content_id=content_id, text=text), actor="platform")
    with transaction(factory) as session:
        sweep = sweep_jobs.queue_sweep(session, sweeps.Seed(SeedKind.TEXT, PASSAGES[2][50:450]), actor="test")
    server = LiveServer.start(settings)
    yield settings, factory, server, receiver, sweep
    server.stop()
    receiver.close()


def test_bulk_take_down_from_the_sweep_page_is_delivered_once_per_action(browser, stack):
    settings, factory, server, receiver, sweep = stack
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", "password-lead")
    page.click("button[type=submit]")
    page.click("nav >> text=举一反三排查")
    page.click(f"a[href='/console/sweeps/{sweep.id}']")
    assert "排队中" in page.locator("#sweep-status").inner_text()
    assert ReviewWorker(factory, settings.review, sweep_settings=settings).run_once()["sweeps_run"] == 1
    # the page's poll sees the sweep finished and reloads it: no click
    assert page.locator("#group-near_duplicate").inner_text(timeout=15_000) == "相似内容 (3)"
    with transaction(factory) as session:
        sweep = sweeps.get_sweep(session, sweep.id)
    teaser_case = next(i.case_id for i in sweep.items if i.content_id == "teaser")
    page.uncheck(f"input[name=case_id][value='{teaser_case}']")
    page.fill("#bulk-form input[name=reason]", "同一低俗章节的转载")
    page.click("#bulk-submit")
    assert "已处理 2" in page.locator("#bulk-result").inner_text()
    worker = ReviewWorker(factory, settings.review)
    worker.run_once()
    worker.run_once()
    taken = sorted(e["action"]["target_id"] for e in receiver.seen.values() if e["action"]["kind"] == "take_down")
    assert taken == ["copy-1", "copy-2"] and receiver.duplicates == 0 and receiver.bad_signatures == 0
    with transaction(factory) as session:
        assert verify_chain(session).ok
