"""The read-only reference pages: the register's list entries and the live policy, Chinese first.

- ``/console/register`` shows the register newest first in pages of 50, filtered by list, kind and state; the test
  seeds a known mix (active, removed, expired; two lists, three kinds) and checks every count and page against
  what it computed itself; an unknown list or kind is an error page with the API's code;
- ``/console/policy`` shows the live policy's id, version, thresholds and every rule by id, read from the
  shipped policy file by the test; a case page's rule ids link to it;
- both pages are linked from the navigation for every role, auditors included, and in headless Chromium the
  English toggle switches them over (screenshots for docs/).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from console_support import fresh_settings, seed
from fastapi.testclient import TestClient
from sqlalchemy import update

from qinglang.policy import default_policy
from qinglang.services import lists
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ListEntryRow
from qinglang.testing.live_server import LiveServer

SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
# (list, kind, how many, state): 70 active block domains, 25 active block contacts, 10 removed block contacts,
# 6 expired block domains, 9 active allow accounts
MIX = (("block", "domain", 70, "active"), ("block", "contact", 25, "active"), ("block", "contact", 10, "removed"),
       ("block", "domain", 6, "expired"), ("allow", "account", 9, "active"))


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    settings = fresh_settings(tmp_path_factory.mktemp("reference"))
    seed(settings)
    return settings


@pytest.fixture(scope="module")
def app(settings):
    from qinglang.api.app import create_app

    app = create_app(settings)
    with transaction(app.state.runtime.sessions) as s:
        for list_name, kind, count, state in MIX:
            for n in range(count):
                value = f"{state}{n}.example.cn" if kind == "domain" else f"{kind}-{state}-{n}"
                entry = lists.add_entry(s, lists.NewListEntry(list_name, kind, value, reason=f"{state} {n}"),
                                        actor="test")
                if state == "removed":
                    lists.remove_entry(s, entry.id, actor="test", reason="误判")
                elif state == "expired":
                    s.execute(update(ListEntryRow).where(ListEntryRow.id == entry.id)
                              .values(expires_at=utcnow() - timedelta(days=1)))
    return app


def _client(app, who: str = "aud", lang: str = "zh") -> TestClient:
    client = TestClient(app, follow_redirects=False, cookies={"ql_lang": lang})
    assert client.post("/console/login", data={"username": who, "password": f"password-{who}"}).status_code == 303
    return client


def _expected(list_name=None, kind=None, state="active") -> int:
    """How many seeded entries a filter should find (the console seed adds none of its own)."""
    return sum(count for lst, knd, count, st in MIX if list_name in (None, lst) and kind in (None, knd)
               and state in (st, "all"))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-entry="(\d+)"', html)]


@pytest.mark.parametrize("query,wanted", [
    ("", {}), ("list=block", {"list_name": "block"}), ("list=allow", {"list_name": "allow"}),
    ("kind=contact", {"kind": "contact"}), ("kind=contact&state=removed", {"kind": "contact", "state": "removed"}),
    ("kind=domain&state=expired", {"kind": "domain", "state": "expired"}), ("state=all", {"state": "all"}),
])
def test_the_register_lists_filter_and_count_what_the_test_seeded(app, query, wanted):
    page = _client(app).get(f"/console/register?{query}")
    assert page.status_code == 200
    total = int(re.search(r'id="lists-total" data-total="(\d+)"', page.text).group(1))
    assert total == _expected(**wanted)
    shown = _ids(page.text)
    assert len(shown) == min(total, 50) and shown == sorted(shown, reverse=True)


def test_the_register_pages_through_every_entry_once(app):
    client, seen, page = _client(app), [], 1
    while True:
        html = client.get(f"/console/register?state=all&page={page}").text
        seen += _ids(html)
        if 'id="next-page"' not in html:
            break
        page += 1
    assert page == -(-_expected(state="all") // 50) and len(seen) == len(set(seen)) == _expected(state="all")
    assert 'id="prev-page"' in html


@pytest.mark.parametrize("query,code", [("list=grey", "invalid_list"), ("kind=phone", "invalid_list_kind"),
                                        ("state=gone", "invalid_request"), ("page=0", "invalid_request"),
                                        ("page=x", "invalid_request")])
def test_an_unknown_filter_is_an_error_page_with_the_api_code(app, query, code):
    page = _client(app).get(f"/console/register?{query}")
    assert page.status_code == 422 and f'data-code="{code}"' in page.text and "<html" in page.text


def test_the_policy_page_shows_the_live_policy_rules_thresholds_and_version(app):
    policy = default_policy()
    html = _client(app).get("/console/policy").text
    assert "当前生效策略" in html and f'data-version="{policy.version}"' in html and policy.id in html
    rows = re.findall(r'<tr id="rule-([^"]+)" data-rule="[^"]+" data-verdict="(\w+)"', html)
    assert rows == [(r.id, r.verdict.value) for r in policy.rules]
    assert "<code>classifier.review.porn</code></td><td>" + str(policy.thresholds["classifier"]["review"]["porn"]) in html
    english = _client(app, lang="en").get("/console/policy").text
    assert "The live policy" in english and "当前生效策略" not in english


@pytest.mark.parametrize("who", ["rev", "aud", "lead"])
def test_every_role_finds_both_pages_in_the_navigation(app, who):
    html = _client(app, who).get("/console/search").text
    assert 'href="/console/register"' in html and 'href="/console/policy"' in html


@pytest.mark.browser
def test_the_reference_pages_in_chromium_chinese_first_with_the_english_toggle(browser, settings, app):
    server = LiveServer.start(settings)
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server.url}/console/login")
        page.fill("input[name=username]", "lead")
        page.fill("input[name=password]", "password-lead")
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/console**")
        page.click("nav a[href='/console/register']")
        page.select_option("select[name=kind]", "contact")
        page.click("#lists-filter button")
        page.wait_for_url("**kind=contact**")
        assert page.locator("h1").inner_text() == "黑白名单登记"
        assert page.locator("#entries tr[data-kind=contact]").count() == _expected(kind="contact")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / "register.png"), full_page=True)
        page.click("nav a[href='/console/policy']")
        assert page.locator("#policy-rules tr[data-rule]").count() == len(default_policy().rules)
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / "policy.png"))
        page.click("a.lang")
        page.wait_for_selector("text=The live policy")
        page.goto(f"{server.url}/console/register")
        assert page.locator("h1").inner_text() == "The register: block and allow lists"
        assert errors == []
    finally:
        server.stop()
