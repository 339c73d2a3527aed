"""The excellent works page in a real headless Chromium: two accounts publish through the API, one of them also an
edited copy of the other's earlier chapter; the worker measures originality; the page lists both originals with
their score, originality and reasons, leaves the copy out as a duplicate naming the chapter it copies, and its CSV
holds the same list."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from console_support import fresh_settings, seed

from qinglang.config import with_install_secrets
from qinglang.services.apikeys import SCOPES, create_api_key
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.live_server import LiveServer
from qinglang.workers.review import ReviewWorker

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QINGLANG_SCREENSHOTS_DIR")
DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json"
PASSAGES = json.loads(DATA.read_text("utf-8"))["passages"]
CHAPTER = "\n".join([PASSAGES[2], PASSAGES[3]])
OTHER = "\n".join([PASSAGES[0], PASSAGES[1]])
EDITED = CHAPTER.replace("．", "。").replace("说", "說").replace("贾母", "賈母")


@pytest.fixture
def stack(tmp_path):
    settings = with_install_secrets(fresh_settings(tmp_path))
    seed(settings)
    server = LiveServer.start(settings)
    factory = make_session_factory(make_engine(settings.database.url))
    with transaction(factory) as s:
        _key, secret = create_api_key(s, "platform", SCOPES, actor="test")
    client = server.client(headers={"Authorization": f"Bearer {secret}"})
    yield settings, server, client, factory
    client.close()
    server.stop()


def _publish(client, content_id: str, account_id: str, title: str, text: str) -> None:
    answer = client.post("/v1/contents", json={"content_id": content_id, "account_id": account_id, "kind": "chapter",
                                               "title": title, "text": text})
    assert answer.status_code in (200, 201), answer.text
    assert answer.json()["decision"]["verdict"] == "pass", answer.json()["decision"]


def test_the_original_is_listed_and_the_copy_left_out_as_a_duplicate(browser, stack):
    settings, server, client, factory = stack
    for account, name in (("acc-author", "红楼书斋"), ("acc-mover", "搬运小说号")):
        assert client.post("/v1/accounts", json={"id": account, "name": name}).status_code == 201
    _publish(client, "ch-43", "acc-author", "第四十三回 闲取乐偶攒金庆寿", CHAPTER)
    _publish(client, "ch-7", "acc-mover", "第七回 送宫花周瑞叹英莲", OTHER)
    _publish(client, "ch-43-copy", "acc-mover", "第四十三回（精校版）", EDITED)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/console/login")
    page.fill("input[name=username]", "aud")
    page.fill("input[name=password]", "password-aud")
    page.click("button[type=submit]")
    page.wait_for_selector("header nav")
    page.click("header nav a[href='/console/excellent']")
    page.wait_for_selector("#excellent-works")
    assert page.locator("#excellent-works tr[data-content]").count() == 0  # originality not measured yet
    assert page.text_content("#left-out-counts tr[data-reason='originality_unknown'] .count") == "3"

    worker = ReviewWorker(factory, settings.review, originality_batch=100)
    assert worker.run_once()["originality_measured"] == 3
    page.click("#period button")
    page.wait_for_selector("#excellent-works tr[data-content]")
    listed = page.locator("#excellent-works tr[data-content]").evaluate_all("rows => rows.map(r => r.dataset.content)")
    assert sorted(listed) == ["ch-43", "ch-7"]
    original = page.locator("#excellent-works tr[data-content='ch-43']")
    assert original.locator(".originality").text_content() == "1.00"
    assert float(original.locator(".score").text_content()) >= 80
    assert "质量分" in original.locator(".why").text_content()
    assert original.locator("a.content").get_attribute("href") == "/console/search?q=ch-43"
    assert original.locator("a.account").get_attribute("href") == "/console/accounts/acc-author"
    assert page.text_content("#left-out-counts tr[data-reason='duplicate'] .count") == "1"
    copy = page.locator("#left-out-works tr[data-content='ch-43-copy']")
    assert copy.get_attribute("data-reason") == "duplicate"
    assert copy.locator("a.copied").get_attribute("href") == "/console/search?q=ch-43"
    assert "复制其他账号较早的内容" in copy.locator(".why").text_content()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "excellent-works.png"), full_page=True)

    download = page.request.get(f"{server.url}{page.get_attribute('#excellent-csv', 'href')}")
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text().lstrip("\ufeff"))))
    assert sorted(r["content_id"] for r in rows) == ["ch-43", "ch-7"]
    assert {r["content_id"]: r["originality"] for r in rows}["ch-43"] == "1.00"

    api = client.get("/v1/excellent-works").json()  # the same list through the API
    assert [w["content_id"] for w in api["works"]] == listed and api["left_out"] == {"duplicate": 1}
    assert api["left_out_works"] == [{"content_id": "ch-43-copy", "account_id": "acc-mover", "reason": "duplicate",
                                      "duplicate_of": "ch-43"}]
    reversed_range = client.get("/v1/excellent-works", params={"from": "2026-05-02", "to": "2026-05-01"})
    assert (reversed_range.status_code, reversed_range.json()["error"]["code"]) == (422, "dashboard_range_reversed")

    page.click("header a.lang")
    page.wait_for_selector("#excellent-works")
    assert "copies earlier content of another account" in page.text_content("#left-out-works")
