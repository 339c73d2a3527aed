"""The qualification acceptance path in a real headless Chromium: a publishing licence submitted with its scan, a
reviewer verifying it in the qualification queue, the clock moved past its expiry, the fiction account restricted
automatically with the platform told exactly once, a new licence lifting it; a blacklisted operator's new account
refused through the API; a verified violation lowering the grade, explained on the account page."""

from __future__ import annotations

import base64
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from console_support import Receiver, fresh_settings, png_bytes, seed

from qinglang.config import with_install_secrets
from qinglang.services.apikeys import SCOPES, create_api_key
from qinglang.services.qualification.context import context_for
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.live_server import LiveServer
from qinglang.workers.review import ReviewWorker

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
MEDIA_CODE = "12110000MA00000157"
NUMBER = "（署）网出证（京）字第123号"


@pytest.fixture
def stack(tmp_path):
    receiver = Receiver()
    settings = with_install_secrets(fresh_settings(tmp_path, receiver.url))
    seed(settings)
    server = LiveServer.start(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    with transaction(factory) as s:
        _key, secret = create_api_key(s, "platform", SCOPES, actor="test")
    client = server.client(headers={"Authorization": f"Bearer {secret}"})
    yield settings, server, receiver, client, factory
    client.close()
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
    page.wait_for_selector("header nav")


def _submit_licence(client, until: date) -> int:
    scan = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    body = {"kind": "online_publishing", "number": NUMBER, "issuer": "国家新闻出版署", "valid_from": "2025-01-01",
            "valid_until": until.isoformat(), "scan": scan}
    answer = client.post("/v1/operators/op-press/licences", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _verify_in_console(page, url: str, licence_id: int, *, shot: str | None = None) -> None:
    page.goto(f"{url}/console/qualification")
    page.wait_for_selector(f"#licence-queue tr[data-licence='{licence_id}']")
    if shot:
        _shot(page, shot)
    page.click(f"#licence-queue tr[data-licence='{licence_id}'] a[href='/console/licences/{licence_id}']")
    assert page.locator("#licence-scan").count() == 1
    page.click("#start-review")
    page.wait_for_selector("#verify")
    page.fill("#licence-reason", "证照与扫描件一致，发证机关核实无误")
    page.click("#verify")
    page.wait_for_selector("#licence-status[data-value='verified']")
    assert page.text_content("#licence-status") == "已核验"


def _events(receiver, kind: str) -> list[dict]:
    return [e for e in receiver.seen.values() if e["type"] == kind]


def test_licence_expiry_restricts_the_fiction_account_once_and_a_new_licence_lifts_it(browser, stack):
    settings, server, receiver, client, factory = stack
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    assert client.post("/v1/operators", json={"id": "op-press", "name": "青山出版社", "kind": "media",
                                              "identity": {"number": MEDIA_CODE}}).status_code == 201
    today = datetime.now(UTC).date()
    first = _submit_licence(client, today + timedelta(days=60))
    client.post("/v1/operators", json={"id": "op-daily", "name": "青山日报社", "kind": "media"})
    other = client.post("/v1/operators/op-daily/licences", json={
        "kind": "news_information", "number": "11120240007", "issuer": "北京市互联网信息办公室",
        "scope": ["互联网新闻信息采编发布服务"], "valid_from": "2024-06-01", "valid_until": "2027-05-31"})
    assert other.status_code == 201, other.text  # waits in the queue beside the first
    _login(page, server.url, "rev")
    _verify_in_console(page, server.url, first, shot="qualification-queue.png")
    account = client.post("/v1/accounts", json={"id": "acc-novel", "name": "青山书院", "operator_id": "op-press",
                                                "category": "serialized_fiction"}).json()
    assert (account["qualification_state"], account["status"]) == ("qualified", "active")

    # the clock moves past the licence's end: the worker expires it and restricts the account; run twice
    later = datetime.now(UTC) + timedelta(days=62)
    worker = ReviewWorker(factory, settings.review, qualification=context_for(settings), clock=lambda: later)
    worker.run_once()
    worker.run_once()
    restricted = client.get("/v1/accounts/acc-novel").json()
    assert (restricted["qualification_state"], restricted["status"]) == ("unqualified", "restricted")
    restricts = [e for e in _events(receiver, "action.created") if e["action"]["target_id"] == "acc-novel"]
    assert [e["action"]["kind"] for e in restricts] == ["restrict"] and receiver.duplicates == 0
    assert restricts[0]["action"]["params"]["qualification"] == "unqualified"

    # a new valid licence, verified in the console, lifts the restriction; the platform hears of it once
    second = _submit_licence(client, today + timedelta(days=700))
    _verify_in_console(page, server.url, second)
    worker.run_once()
    lifted = client.get("/v1/accounts/acc-novel").json()
    assert (lifted["qualification_state"], lifted["status"]) == ("qualified", "active")
    assert len(_events(receiver, "action.reverted")) == 1 and receiver.duplicates == 0
    assert receiver.bad_signatures == 0

    # a blacklisted operator's new account is refused through the API
    client.post("/v1/operators", json={"id": "op-banned", "name": "某工作室", "kind": "media"})
    entry = client.post("/v1/lists/entries", json={"kind": "operator", "value": "op-banned", "reason": "屡次违规"})
    assert entry.status_code == 201, entry.text
    refused = client.post("/v1/accounts", json={"id": "acc-comeback", "name": "新号", "operator_id": "op-banned"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "operator_blacklisted")

    # a verified violation lowers the grade, and the account page says why
    grade_before = client.get("/v1/accounts/acc-novel/grade").json()["grade"]
    report = client.post("/v1/reports", data={"target_kind": "account", "target_id": "acc-novel", "reason": "porn",
                                              "text": "连载章节含色情描写"})
    assert report.status_code == 201, report.text
    page.goto(f"{server.url}/console")
    page.wait_for_selector("#queue tbody tr[data-href]")
    page.keyboard.press("c")
    page.wait_for_selector("#decide-form")
    page.fill("#reason", "章节含色情描写，核实违规")
    page.click("#decide-form button[value=restrict]")
    page.wait_for_selector("#case-status[data-status='closed']")
    grade = client.get("/v1/accounts/acc-novel/grade").json()
    assert grade["current"]["score"] < grade["history"][1]["score"] and grade["grade"] != grade_before
    page.goto(f"{server.url}/console/accounts/acc-novel")
    newest = page.text_content("#grade-history tbody tr:first-child .why")
    assert "已核实违规 0 次" in newest or "无已核实违规" in newest
    assert "已核实违规 1 次" in newest
    assert page.text_content("#grade") == grade["grade"]
    assert page.locator(f"#licences a[href='/console/licences/{second}']").count() == 1
    assert page.locator("#operator-link").get_attribute("href") == "/console/operators/op-press"
    worker.run_once()
    assert len(_events(receiver, "account.grade_changed")) >= 1
    _shot(page, "account.png")
    page.click("header a.lang")
    page.wait_for_selector("#grade-history")
    assert "verified violation" in page.text_content("#grade-history tbody tr:first-child .why")
