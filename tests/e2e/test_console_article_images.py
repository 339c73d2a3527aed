"""The case page in headless Chromium: the article's own images, and calibration cases that look like real ones.

- an article submitted with a ``data:`` image shows that image on its case page, blurred and greyscale (the
  console's CSS, no inline style) until the reviewer clicks it, and blurred again on a second click; a remote
  image is listed by URL and never requested; no CSP violation or console error on the way;
- to a reviewer, a calibration case says "automatic verdict" like a real one, shows an automatic decision, scores
  and highlighted hits from its own text, and the queue neither offers a calibration filter nor leaves calibration
  cases out of the automatic-verdict filter; answered, it shows the outcome a real case would have; a lead still
  sees what it is.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from console_support import BODY, fresh_settings, png_bytes, seed

from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.review import calibration, reports, users
from qinglang.services.runtime import Runtime
from qinglang.storage.db import transaction
from qinglang.testing.live_server import LiveServer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
REMOTE = "https://img.example.invalid/cover.jpg"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    settings = fresh_settings(tmp_path_factory.mktemp("images"))
    seed(settings)
    runtime = Runtime.from_settings(settings)
    image = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    submission = ContentSubmission(content_id="art-img", version="1", account_id="acc-1", title="福利图集",
                                   text="今晚福利，尺度很大。", images=(image, REMOTE))
    submit_content(runtime.sessions, runtime.screening, submission, actor="test",
                   review_sla_hours=settings.review.sla_hours)
    with transaction(runtime.sessions) as s:
        new = reports.NewReport(target_kind="content", target_id="art-img", reason="porn", text="图片低俗",
                                ip="10.9.0.1")
        real = reports.file_report(s, new, review=settings.review, secret="s").case_id
        lead = users.get_user_by_name(s, "lead")
        known = calibration.seed_known_answer(s, lead, target_kind="content", target_id="art-cal-7", queue="porn",
                                              known_answer="take_down", title="今晚福利", body=BODY,
                                              review=settings.review).id
    server = LiveServer.start(settings)
    yield server, real, known
    server.stop()


def _page(browser, server, who: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"password-{who}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/console**")
    return page, problems, outside


def _filter(img) -> str:
    return img.evaluate("el => getComputedStyle(el).filter")


def test_the_article_images_stay_blurred_and_grey_until_the_reviewer_reveals_them(browser, stack):
    server, real, _known = stack
    page, problems, outside = _page(browser, server, "rev")
    page.goto(f"{server.url}/console/cases/{real}")
    images = page.locator("#article-images img.guarded")
    assert images.count() == 1
    img = images.first
    img.evaluate("el => el.decode()")
    assert img.evaluate("el => el.naturalWidth") == 64  # the kept image, served by qinglang
    assert "blur" in _filter(img) and "grayscale" in _filter(img)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "case_images.png"), full_page=True)
    img.click()
    page.wait_for_function("() => getComputedStyle(document.querySelector('#article-images img')).filter === 'none'")
    assert page.locator("#article-images button.reveal").get_attribute("aria-pressed") == "true"
    page.locator("#article-images button.reveal").press("Enter")  # the keyboard hides it again
    page.wait_for_function("() => getComputedStyle(document.querySelector('#article-images img')).filter !== 'none'")
    remote = page.locator("#article-images .remote-image")
    assert remote.count() == 1 and REMOTE in remote.inner_text()
    assert outside == [] and problems == []


def test_a_calibration_case_looks_like_a_real_case_to_a_reviewer(browser, stack):
    server, real, known = stack
    page, problems, _outside = _page(browser, server, "rev")
    page.goto(f"{server.url}/console/cases/{known}")
    main = page.locator("main").inner_text()
    assert "校准" not in main and "calibration" not in page.content().lower()
    assert "来源: 自动判定" in main.replace("：", ": ")
    assert page.locator("#decision").count() == 1 and page.locator("#scores tr").count() > 0
    assert page.locator("#content-text mark.hit, mark.hit").count() >= 2  # the contact and the lexicon hit
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "case_calibration.png"), full_page=True)

    page.goto(f"{server.url}/console")
    offered = page.locator("select[name=source] option").evaluate_all("els => els.map(e => e.value)")
    assert "calibration" not in offered and "verdict" in offered
    page.goto(f"{server.url}/console?source=verdict")
    listed = page.locator("#queue tr[data-case]").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert str(known) in listed

    page.goto(f"{server.url}/console/cases/{known}")  # answered, it closes like a real case, not as "calibration"
    page.click("#claim-form button")
    page.wait_for_selector("#decide-form")
    page.fill("#reason", "导流加低俗，下架")
    page.click("#decide-form button[data-choice=take_down]")
    page.wait_for_load_state()
    page.goto(f"{server.url}/console/cases/{known}")
    assert page.get_attribute("#case-outcome", "data-outcome") == "violation"
    assert "校准" not in page.locator("main").inner_text()
    page.goto(f"{server.url}/console/search?q=art-cal-7")  # nor does the search page give it away
    assert page.locator("#found-cases li").count() == 1 and "校准" not in page.locator("main").inner_text()
    assert "违规" in page.locator("#found-cases li").inner_text()
    assert problems == []
    page.goto(f"{server.url}/console?source=calibration")  # an error page (422), as for any unknown source
    assert page.locator("[data-code]").first.get_attribute("data-code") == "invalid_request"

    lead, _p, _o = _page(browser, server, "lead")
    lead.goto(f"{server.url}/console/cases/{known}")
    assert "校准案件" in lead.locator("main").inner_text()
    assert lead.get_attribute("#case-outcome", "data-outcome") == "calibration"
