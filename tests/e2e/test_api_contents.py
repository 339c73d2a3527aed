"""POST/GET /v1/contents: idempotent submissions, conflicts, and nothing half-written on failure."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from api_support import key_with, make_client
from PIL import Image
from sqlalchemy import func, select

from qinglang.services import drainage, records
from qinglang.services.review import cases
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow, ContentVersionRow, DecisionRow, SignalRow

ARTICLE = {"content_id": "a-1", "version": "1", "title": "标题", "text": "正文里有色情内容"}


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


def _count(runtime, table) -> int:
    with transaction(runtime.sessions) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_submission_is_stored_with_its_decision_and_signals(api):
    client, runtime, headers = api
    response = client.post("/v1/contents", json=ARTICLE, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Idempotent-Replayed"] == "false"
    assert body["decision"]["verdict"] == "block"
    assert body["decision"]["category"] == "porn"
    assert [s["label"] for s in body["signals"]] == ["porn/explicit"]
    assert client.get("/v1/contents/a-1", headers=headers).json() == body


def test_same_payload_twice_gives_one_row_and_the_same_decision(api):
    client, runtime, headers = api
    first = client.post("/v1/contents", json=ARTICLE, headers=headers)
    second = client.post("/v1/contents", json=ARTICLE, headers=headers)
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert _count(runtime, ContentVersionRow) == 1
    assert _count(runtime, DecisionRow) == 1


def test_same_version_with_different_content_is_a_conflict(api):
    client, runtime, headers = api
    client.post("/v1/contents", json=ARTICLE, headers=headers)
    response = client.post("/v1/contents", json={**ARTICLE, "text": "改过的正文"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "content_version_conflict"
    assert _count(runtime, ContentVersionRow) == 1


def test_without_a_version_the_content_hash_is_the_version(api):
    client, runtime, headers = api
    payload = {k: v for k, v in ARTICLE.items() if k != "version"}
    first = client.post("/v1/contents", json=payload, headers=headers).json()
    assert first["version"] == first["content_hash"]
    changed = client.post("/v1/contents", json={**payload, "text": "新的正文"}, headers=headers)
    assert changed.status_code == 201
    assert _count(runtime, ContentVersionRow) == 2
    latest = client.get("/v1/contents/a-1", headers=headers).json()
    assert latest["version"] == changed.json()["version"]
    old = client.get("/v1/contents/a-1", params={"version": first["version"]}, headers=headers).json()
    assert old["decision"]["verdict"] == "block"


def test_failed_decision_insert_leaves_no_content_row(api, monkeypatch):
    client, runtime, headers = api

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(records, "add_decision", broken)
    audit_before = _count(runtime, AuditEventRow)
    response = client.post("/v1/contents", json=ARTICLE, headers=headers)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert _count(runtime, ContentVersionRow) == 0
    assert _count(runtime, SignalRow) == 0
    assert _count(runtime, AuditEventRow) == audit_before


def test_unknown_account_is_refused_before_anything_is_stored(api):
    client, runtime, headers = api
    response = client.post("/v1/contents", json={**ARTICLE, "account_id": "nobody"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_account"
    assert _count(runtime, ContentVersionRow) == 0


def test_missing_content_is_not_found(api):
    client, _runtime, headers = api
    response = client.get("/v1/contents/nope", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "content_not_found"


def test_server_local_image_path_is_refused(api):
    client, runtime, headers = api
    response = client.post("/v1/contents", json={**ARTICLE, "images": ["/etc/passwd"]}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "image_ref_refused")
    assert _count(runtime, ContentVersionRow) == 0


def test_data_uri_image_is_stored_as_its_hash(api):
    client, _runtime, headers = api
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    body = client.post("/v1/contents", json={**ARTICLE, "images": [png]}, headers=headers).json()
    assert body["images"] == ["data:sha256:" + hashlib.sha256(buffer.getvalue()).hexdigest()]
    for bad_ref in ("data:image/png;base64,@@@", "data:image/png;base64," + base64.b64encode(b"not a png").decode()):
        bad = client.post("/v1/screen", json={"images": [bad_ref]}, headers=headers)
        assert bad.json()["error"]["code"] == "invalid_image_data"


def test_stored_content_records_its_drainage_edges_in_the_same_transaction(api):
    client, runtime, headers = api
    client.post("/v1/accounts", json={"id": "acc-9", "name": "号"}, headers=headers)
    payload = {**ARTICLE, "account_id": "acc-9", "text": "更多 site:bad.example 见"}
    assert client.post("/v1/contents", json=payload, headers=headers).status_code == 201
    with transaction(runtime.sessions) as session:
        accounts = drainage.list_accounts_for_target(session, "domain", "bad.example")
    assert [a["account_id"] for a in accounts] == ["acc-9"]


def test_content_id_with_slashes_is_readable(api):
    client, _runtime, headers = api
    client.post("/v1/contents", json={**ARTICLE, "content_id": "book/7/ch/3"}, headers=headers)
    assert client.get("/v1/contents/book/7/ch/3", headers=headers).json()["content_id"] == "book/7/ch/3"


def test_review_verdict_opens_a_case_for_the_content(api):
    client, runtime, headers = api
    body = client.post("/v1/contents", json={**ARTICLE, "text": "有点低俗"}, headers=headers).json()
    assert body["decision"]["verdict"] == "review"
    with transaction(runtime.sessions) as session:
        case = cases.find_open_case(session, "content", "a-1")
    assert case is not None and case.queue == "porn"
