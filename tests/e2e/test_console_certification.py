"""Acceptance in headless Chromium: with certification required, an uncertified reviewer cannot claim a live
porn case; a lead writes practice cases; the reviewer practises (seeing the right answer and the policy rule
after each answer), is certified, and then claims the case. The lead sees the certificate and its history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from console_support import fresh_settings, seed

from qinglang.config import CertificationSettings
from qinglang.services.review import reports
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.live_server import LiveServer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
PRACTICE = [  # (title, body, right answer, explanation)
    ("今晚福利", "加我薇信 abc123 看全集，尺度很大。", "take_down", "导流到私人微信并以低俗内容为噱头：下架"),
    ("读书笔记", "这本小说写得很好，推荐给大家。", "pass", "正常书评，没有违规"),
    ("福利群", "扫码进群，每天更新成人视频。", "take_down", "色情引流：下架"),
]


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


@pytest.fixture
def stack(tmp_path):
    settings = fresh_settings(tmp_path).model_copy(update={"certification": CertificationSettings(
        required=True, practice_cases=3, agreement=0.66, severe_cases=6, severe_agreement=0.9)})
    seed(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    with transaction(factory) as s:
        new = reports.NewReport(target_kind="content", target_id="art-1", reason="porn", text="低俗导流", contact="",
                                ip="10.1.1.1")
        case_id = reports.file_report(s, new, review=settings.review, secret="s").case_id
    server = LiveServer.start(settings)
    yield server, case_id
    server.stop()


def test_uncertified_reviewer_cannot_claim_passes_practice_then_can(browser, stack):
    server, case_id = stack
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # a lead writes the practice set
    _login(page, server.url, "lead")
    for title, body, answer, why in PRACTICE:
        page.goto(f"{server.url}/console/certification")
        page.select_option("#write-practice select[name=category]", "porn")
        page.fill("#write-practice input[name=title]", title)
        page.fill("#write-practice textarea[name=body]", body)
        page.select_option("#write-practice select[name=right_answer]", answer)
        page.fill("#write-practice textarea[name=explanation]", why)
        page.click("#write-practice button")
        page.wait_for_url("**/console/certification?written=1")
    assert "色情低俗 3" in page.text_content("#pool")
    page.click("text=退出")

    # the reviewer may not claim the live porn case, neither by name nor as "next"
    _login(page, server.url, "rev")
    page.goto(f"{server.url}/console/cases/{case_id}")
    page.keyboard.press("c")
    page.wait_for_selector("p.error[data-code=certification_required]")
    assert "练习" in page.text_content("p.error")  # the refusal is in Chinese and says what to do
    page.goto(f"{server.url}/console")
    page.click("#claim-form button")
    page.wait_for_url("**/console?empty=1")

    # practice: after each answer the right answer, the explanation and the rules are shown
    page.goto(f"{server.url}/console/practice")
    assert page.get_attribute("tr[data-category=porn] td.level", "data-level") == "uncertified"
    page.click("tr[data-category=porn] a")
    page.wait_for_selector("#practice-case")
    _shot(page, "practice.png")
    answers = ["pass", "pass", "take_down"]  # the first is wrong: take_down was right
    for n, choice in enumerate(answers):
        if n:
            page.click("#next-practice")
            page.wait_for_selector("#practice-case")
        page.click(f"#practice-form button[data-choice={choice}]")
        page.wait_for_selector("#verdict")
        right = PRACTICE[n][2]
        assert page.get_attribute("#right-answer", "data-answer") == right
        assert page.get_attribute("#verdict", "data-agrees") == ("true" if choice == right else "false")
        assert page.text_content("#explanation").strip() == PRACTICE[n][3]
        assert page.locator("#rules").count() == 1
    page.wait_for_selector("#now-certified")
    _shot(page, "practice_result.png")
    assert page.get_attribute("#standing", "data-level") == "certified"

    # now the claim goes through
    page.goto(f"{server.url}/console/cases/{case_id}")
    page.keyboard.press("c")
    page.wait_for_selector("#decide-form")
    page.click("text=退出")

    # the lead sees the certificate and its history
    _login(page, server.url, "lead")
    page.goto(f"{server.url}/console/certification")
    assert page.get_attribute("tr[data-reviewer=rev] td[data-category=porn]", "data-level") == "certified"
    assert page.get_attribute("tr[data-reviewer=rev] td[data-category=fraud]", "data-level") == "uncertified"
    _shot(page, "certification.png")
    page.click("tr[data-reviewer=rev] a")
    page.wait_for_selector("#history")
    row = page.text_content("#history tbody tr")
    assert "未认证" in row and "已认证" in row and "2/3" in row
