"""Operators, licences and grades through the API: identities kept as keyed hashes, the block list enforced at
account creation, licences submitted with a scan and never verified on the caller's word."""

from __future__ import annotations

import base64
import io

import pytest
from api_support import key_with, make_client
from PIL import Image
from sqlalchemy import select

from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow, ListEntryRow, OperatorRow

RESIDENT_ID = "11010519491231002X"
MEDIA_CODE = "12110000MA00000157"


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


def scan_uri() -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 180, 160)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _block(runtime, value: str) -> None:
    with transaction(runtime.sessions) as session:
        session.add(ListEntryRow(list="block", kind="operator", value=value, reason="banned", created_by="test"))
    runtime.screening.invalidate()


def test_identity_is_kept_as_a_keyed_hash_and_a_masked_display(api):
    client, runtime, headers = api
    body = {"id": "op-li", "name": "李某", "kind": "individual", "identity": {"number": RESIDENT_ID}}
    created = client.post("/v1/operators", json=body, headers=headers)
    assert created.status_code == 201, created.text
    identity = created.json()["identity"]
    assert identity["masked"] == "110105********002X" and identity["kind"] == "resident_id"
    with transaction(runtime.sessions) as session:
        row = session.get(OperatorRow, "op-li")
        events = session.execute(select(AuditEventRow.data)).scalars().all()
    assert row.identity_digest.startswith("hmac-sha256:") and RESIDENT_ID not in row.identity_digest
    assert RESIDENT_ID not in repr(events) and RESIDENT_ID not in created.text


def test_a_wrong_check_character_is_refused_naming_the_field(api):
    client, _runtime, headers = api
    body = {"id": "op-x", "name": "某", "identity": {"number": RESIDENT_ID[:-1] + "1"}}
    refused = client.post("/v1/operators", json=body, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "identity_invalid")
    assert refused.json()["error"]["details"]["field"] == "identity.number"


def test_blacklisted_operator_cannot_open_an_account(api):
    client, runtime, headers = api
    client.post("/v1/operators", json={"id": "op-bad", "name": "某", "identity": {"number": RESIDENT_ID}},
                headers=headers)
    _block(runtime, "op-bad")
    refused = client.post("/v1/accounts", json={"id": "acc-new", "name": "新号", "operator_id": "op-bad"},
                          headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "operator_blacklisted")
    again = client.post("/v1/operators", json={"id": "op-bad-2", "name": "某", "identity": {"number": RESIDENT_ID}},
                        headers=headers)
    assert (again.status_code, again.json()["error"]["code"]) == (403, "identity_blacklisted")
    assert client.get("/v1/accounts/acc-new", headers=headers).status_code == 404


def test_a_licence_is_submitted_with_its_scan_and_waits_for_a_reviewer(api):
    client, _runtime, headers = api
    client.post("/v1/operators", json={"id": "op-m", "name": "某报社", "kind": "media",
                                       "identity": {"number": MEDIA_CODE}}, headers=headers)
    body = {"kind": "online_publishing", "number": "（署）网出证（京）字第123号", "issuer": "国家新闻出版署",
            "valid_from": "2025-01-01", "valid_until": "2029-12-31", "scan": scan_uri()}
    created = client.post("/v1/operators/op-m/licences", json=body, headers=headers)
    assert created.status_code == 201, created.text
    licence = created.json()
    assert (licence["status"], licence["decided_by"]) == ("submitted", None) and licence["scan_media_id"]
    assert client.get(f"/v1/licences/{licence['id']}", headers=headers).json() == licence
    assert [x["id"] for x in client.get("/v1/operators/op-m/licences", headers=headers).json()["items"]] == [
        licence["id"]]


def test_a_licence_that_does_not_fit_its_kind_lists_every_bad_field(api):
    client, _runtime, headers = api
    client.post("/v1/operators", json={"id": "op-m", "name": "某报社", "kind": "media"}, headers=headers)
    body = {"kind": "online_publishing", "number": "123", "issuer": " ", "valid_until": "2020-01-01",
            "valid_from": "2021-01-01"}
    refused = client.post("/v1/operators/op-m/licences", json=body, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_licence")
    fields = {f["field"] for f in refused.json()["error"]["details"]["faults"]}
    assert {"number", "issuer", "valid_until"} <= fields


def test_a_scan_that_is_not_an_image_is_refused(api):
    client, _runtime, headers = api
    client.post("/v1/operators", json={"id": "op-m", "name": "某报社", "kind": "media"}, headers=headers)
    body = {"kind": "icp_filing", "number": "京ICP备12345678号", "issuer": "北京市通信管理局",
            "scan": "data:image/png;base64," + base64.b64encode(b"<html>").decode()}
    refused = client.post("/v1/operators/op-m/licences", json=body, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_image_data")


def test_fiction_account_without_a_licence_is_restricted_and_graded_with_reasons(api):
    client, _runtime, headers = api
    client.post("/v1/operators", json={"id": "op-m", "name": "某报社", "kind": "media"}, headers=headers)
    created = client.post("/v1/accounts", json={"id": "acc-f", "name": "小说号", "operator_id": "op-m",
                                                "category": "serialized_fiction"}, headers=headers).json()
    assert (created["qualification_state"], created["status"]) == ("unqualified", "restricted")
    grade = client.get("/v1/accounts/acc-f/grade", headers=headers).json()
    assert grade["grade"] == created["quality_grade"] and grade["current"]["explanation"][0]["code"] == "credit_grade"
    assert any(r["code"] == "credit_qualification" for r in grade["current"]["explanation"])
    unknown = client.post("/v1/accounts", json={"id": "acc-g", "name": "n", "category": "poetry"}, headers=headers)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "account_category_invalid")


def test_content_of_a_closed_account_is_blocked_at_screening_with_the_reason(api):
    client, _runtime, headers = api
    client.post("/v1/accounts", json={"id": "acc-c", "name": "号"}, headers=headers)
    client.patch("/v1/accounts/acc-c", json={"status": "closed"}, headers=headers)
    stored = client.post("/v1/contents", json={"content_id": "c-1", "text": "一篇普通的文章", "account_id": "acc-c"},
                         headers=headers).json()
    assert stored["decision"]["verdict"] == "block" and "account-not-active-block" in stored["decision"]["rules"]
    assert "account/not_active" in [label["label"] for label in stored["decision"]["labels"]]


def test_operator_list_entry_matches_the_operators_content_at_screening(api):
    client, runtime, headers = api
    client.post("/v1/operators", json={"id": "op-m", "name": "某报社", "kind": "media",
                                       "identity": {"number": MEDIA_CODE}}, headers=headers)
    client.post("/v1/accounts", json={"id": "acc-m", "name": "号", "operator_id": "op-m"}, headers=headers)
    body = {"content_id": "c-2", "text": "一篇普通的文章", "account_id": "acc-m"}
    assert client.post("/v1/contents", json=body, headers=headers).json()["decision"]["verdict"] == "pass"
    with transaction(runtime.sessions) as session:
        digest = session.get(OperatorRow, "op-m").identity_digest
    _block(runtime, digest)
    blocked = client.post("/v1/contents", json={**body, "content_id": "c-3"}, headers=headers).json()
    assert blocked["decision"]["verdict"] == "block" and "register-blocked-block" in blocked["decision"]["rules"]


def test_a_new_identity_document_is_checked_and_unverifies_the_operator(api):
    client, _runtime, headers = api
    client.post("/v1/operators", json={"id": "op-li", "name": "李某", "identity": {"number": RESIDENT_ID}},
                headers=headers)
    wrong = client.patch("/v1/operators/op-li", json={"identity": {"kind": "credit_code", "number": MEDIA_CODE}},
                         headers=headers)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "identity_kind_mismatch")
    changed = client.patch("/v1/operators/op-li", json={"identity": {"number": "110105198001011238"}},
                           headers=headers).json()
    assert changed["identity"]["masked"] == "110105********1238" and changed["verification_state"] == "unverified"
