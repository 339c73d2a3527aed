"""The whole human side in a real headless Chromium: report, claim by keyboard, take down, two-person close,
webhooks delivered once, status page, reward, audit verify (and its failure after tampering)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from console_support import Receiver, fresh_settings, png_bytes, seed

from qinglang.services.review import queries
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.live_server import LiveServer
from qinglang.workers.review import ReviewWorker

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")


@pytest.fixture
def stack(tmp_path):
    receiver = Receiver()
    settings = fresh_settings(tmp_path, receiver.url)
    seed(settings)
    server = LiveServer.start(settings)
    yield settings, server, receiver
    server.stop()
    receiver.close()


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def _login(page, url: str, name: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", f"password-{name}")
    page.click("button[type=submit]")


def _audit_verify(db_url: str) -> int:
    env = {**os.environ, "QINGLANG_DATABASE__URL": db_url}
    return subprocess.run([sys.executable, "-m", "qinglang.cli.main", "audit", "verify"], env=env,
                          capture_output=True, text=True).returncode


def test_report_to_enforcement_end_to_end(browser, stack, tmp_path):
    settings, server, receiver = stack
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    # a reader files a report from the public page, target prefilled
    shot = tmp_path / "shot.png"
    shot.write_bytes(png_bytes())
    page.goto(f"{server.url}/report?target_kind=content&target_id=art-1")
    assert page.input_value("input[name=target_id]") == "art-1"
    page.check("input[value=porn]")
    page.fill("textarea[name=text]", "导流到微信，内容低俗")
    page.set_input_files("input[name=screenshots]", str(shot))
    page.fill("input[name=contact]", "reader@example.com")
    _shot(page, "report.png")
    page.click("#submit-report")
    code = page.text_content("#tracking-code").strip()
    assert code.startswith("QL-")

    # a reviewer claims by keyboard, sees highlighted evidence and blurred images, takes down + proposes close
    _login(page, server.url, "rev")
    page.wait_for_selector("#queue tbody tr[data-href]")
    page.keyboard.press("j")
    assert page.locator("#queue tr.selected").count() == 1
    _shot(page, "queue.png")
    page.keyboard.press("c")
    page.wait_for_selector("#decide-form")
    assert page.locator("#content-text mark.hit").count() == 2
    assert "abc123" in page.text_content("#evidence")
    assert "blur" in page.eval_on_selector("img.guarded", "el => getComputedStyle(el).filter")
    _shot(page, "case.png")
    page.click("img.guarded")
    page.wait_for_timeout(400)  # the reveal is a 150 ms transition
    assert page.eval_on_selector("img.guarded", "el => getComputedStyle(el).filter") == "none"
    page.keyboard.press("x")
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("导流+色情低俗，关闭账号")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # a severe action asks first
    page.keyboard.press("Enter")
    page.wait_for_selector("#case-status[data-status=pending_approval]")
    assert asked and "重大处罚" in asked[0]

    # a senior approves closing the account
    page.click("text=退出")
    _login(page, server.url, "sen")
    page.wait_for_selector("#queue")
    page.goto(f"{server.url}/console/approvals")
    page.fill("form.approval input[name=reason]", "证据充分，同意关闭")
    page.once("dialog", lambda dialog: dialog.accept())  # approving a severe action asks first
    page.click("form.approval button[value=approve]")
    page.wait_for_url("**/console/approvals?done=1")

    # the worker delivers each action exactly once, even when run again
    factory = make_session_factory(make_engine(settings.database.url))
    worker = ReviewWorker(factory, settings.review)
    worker.run_once()
    worker.run_once()
    kinds = sorted(e["action"]["kind"] for e in receiver.seen.values() if "action" in e)  # and grade changes
    assert kinds == ["close", "take_down"] and receiver.duplicates == 0 and receiver.bad_signatures == 0

    # the reader sees the outcome; the reporter is credited
    page.goto(f"{server.url}/report/status/{code}")
    assert page.get_attribute("#outcome", "data-value") == "action_taken"
    with transaction(factory) as s:
        assert [r.amount_cents for r in queries.list_rewards(s)] == [settings.review.reward_cents]

    # the audit chain holds, and breaks visibly after one row is altered
    assert _audit_verify(settings.database.url) == 0
    with factory() as s, s.begin():
        s.execute(__import__("sqlalchemy").text("UPDATE audit_events SET actor = 'mallory' WHERE id = 3"))
    assert _audit_verify(settings.database.url) == 1
