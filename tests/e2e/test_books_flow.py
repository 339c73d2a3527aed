"""A book over HTTP: clean free chapters and vulgar paid chapters are flagged, a reviewer takes the whole book off
the shelves from its console page, the platform's webhook hears of it exactly once, and an overturned appeal puts
it back on the shelves (and tells the platform that too)."""

from __future__ import annotations

import re

import pytest
from api_support import key_with, make_client
from console_support import Receiver, fresh_settings, seed

from qinglang.storage.db import make_engine, make_session_factory
from qinglang.workers.review import ReviewWorker

CLEAN = "少年背着书箱赶路，天色渐晚，他在一座破庙里歇脚，听见雨声。"


@pytest.fixture
def world(tmp_path):
    receiver = Receiver()
    settings = fresh_settings(tmp_path, receiver.url)
    seed(settings)
    client, runtime = make_client(settings)
    headers = key_with(runtime)
    for number in range(1, 7):
        text = CLEAN + ("色情描写" if number >= 4 else "")
        body = {"content_id": f"bk-ch{number}", "account_id": "acc-1", "kind": "chapter", "title": f"第{number}章",
                "text": text, "book_id": "book-9", "chapter": number}
        assert client.post("/v1/contents", json=body, headers=headers).status_code == 201
    yield client, settings, headers, receiver
    runtime.close()
    receiver.close()


def _signed_in(client, who: str) -> str:
    client.post("/console/login", data={"username": who, "password": f"password-{who}"})
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)


def _deliver(settings) -> None:
    worker = ReviewWorker(make_session_factory(make_engine(settings.database.url)), settings.review)
    worker.run_once()
    worker.run_once()  # a second run delivers nothing again


def _book_events(receiver) -> list[tuple[str, str]]:
    return sorted((e["type"], e["action"]["kind"]) for e in receiver.seen.values()
                  if e.get("action", {}).get("target_kind") == "book")


def test_a_flagged_book_is_taken_down_once_and_restored_by_an_overturned_appeal(world):
    client, settings, headers, receiver = world
    book = client.get("/v1/books/book-9", headers=headers).json()
    assert book["book"]["flagged"] and book["book"]["status"] == "on_shelf"
    assert {f["kind"]: f["chapters"] for f in book["risk"]["flags"]} == {"free_then_vulgar": [4, 5, 6]}
    assert [c["verdict"] for c in book["chapters"]] == ["pass"] * 3 + ["block"] * 3
    listed = client.get("/v1/books?flagged=true", headers=headers).json()
    assert [b["id"] for b in listed["items"]] == ["book-9"] and listed["next_after"] is None

    csrf = _signed_in(client, "rev")
    page = client.get("/console/books/book-9").text
    assert 'id="take-down-form"' in page and "免费章节干净、付费章节低俗" in page
    assert 'href="/console/accounts/acc-1"' in page
    done = client.post("/console/books/book-9/take-down", data={"csrf": csrf, "reason": "付费章节色情"},
                       follow_redirects=False)
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert 'data-status="off_shelf"' in after and 'id="take-down-form"' not in after
    again = client.post("/console/books/book-9/take-down", data={"csrf": csrf, "reason": "付费章节色情"})
    assert again.status_code == 409 and "book_status_unchanged" in again.text

    _deliver(settings)
    assert _book_events(receiver) == [("action.created", "take_down_book")]
    assert receiver.duplicates == 0 and receiver.bad_signatures == 0
    action = next(a for a in client.get("/v1/actions?since=0", headers=headers).json()["items"]
                  if a["kind"] == "take_down_book")
    assert (action["target_kind"], action["target_id"]) == ("book", "book-9")

    appeal = client.post("/v1/appeals", json={"action_id": action["id"], "account_id": "acc-1", "text": "古典文学"},
                         headers=headers)
    assert appeal.status_code == 201, appeal.text
    senior = _signed_in(client, "sen")
    overturned = client.post(f"/console/appeals/{appeal.json()['id']}", follow_redirects=False,
                             data={"csrf": senior, "verdict": "overturn", "reason": "申诉成立，恢复上架"})
    assert overturned.status_code == 303
    assert client.get("/v1/books/book-9", headers=headers).json()["book"]["status"] == "on_shelf"
    _deliver(settings)
    assert _book_events(receiver) == [("action.created", "take_down_book"), ("action.reverted", "revert")]
    assert receiver.duplicates == 0


def test_a_case_on_a_book_links_to_its_page(world):
    client, _settings, headers, _receiver = world
    case = client.post("/v1/cases", json={"target_kind": "book", "target_id": "book-9", "category": "porn"},
                       headers=headers)
    assert case.status_code == 201 and case.json()["account_id"] == "acc-1"
    _signed_in(client, "rev")
    page = client.get(f"/console/cases/{case.json()['id']}").text
    assert 'id="case-book" href="/console/books/book-9"' in page
    chapter = client.post("/v1/cases", json={"target_kind": "content", "target_id": "bk-ch4", "category": "porn"},
                          headers=headers).json()
    assert 'href="/console/books/book-9"' in client.get(f"/console/cases/{chapter['id']}").text


def test_book_errors_have_stable_codes(world):
    client, _settings, headers, _receiver = world
    missing = client.get("/v1/books/no-such-book", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "book_not_found"
    assert client.get("/v1/books?limit=0", headers=headers).status_code == 422
    assert client.get("/v1/books/%00", headers=headers).json()["error"]["code"] == "invalid_text"
    _signed_in(client, "aud")
    assert 'id="take-down-form"' not in client.get("/console/books/book-9").text
