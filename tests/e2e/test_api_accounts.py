"""Accounts and operators through the API."""

from __future__ import annotations

import pytest
from api_support import key_with, make_client
from sqlalchemy import select

from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


OPERATOR = {"id": "op-1", "name": "青山文化", "kind": "organisation", "licences": [{"type": "ICP", "number": "1"}]}


def test_account_is_created_read_and_patched(api):
    client, _runtime, headers = api
    assert client.post("/v1/operators", json=OPERATOR, headers=headers).status_code == 201
    created = client.post(
        "/v1/accounts", json={"id": "acc-1", "name": "青山早报", "operator_id": "op-1"}, headers=headers
    )
    assert created.status_code == 201
    assert created.json()["status"] == "active"
    patched = client.patch("/v1/accounts/acc-1", json={"status": "suspended", "strikes": 2}, headers=headers).json()
    assert (patched["status"], patched["strikes"], patched["name"]) == ("suspended", 2, "青山早报")
    assert client.get("/v1/accounts/acc-1", headers=headers).json() == patched
    assert client.get("/v1/operators/op-1", headers=headers).json()["licences"] == OPERATOR["licences"]


def test_account_with_unknown_operator_is_refused(api):
    client, _runtime, headers = api
    response = client.post("/v1/accounts", json={"id": "a", "name": "n", "operator_id": "ghost"}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_operator")


def test_duplicate_account_is_a_conflict(api):
    client, _runtime, headers = api
    client.post("/v1/accounts", json={"id": "a", "name": "n"}, headers=headers)
    response = client.post("/v1/accounts", json={"id": "a", "name": "n"}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "account_exists")


def test_patch_cannot_null_a_required_field(api):
    client, _runtime, headers = api
    client.post("/v1/accounts", json={"id": "a", "name": "n"}, headers=headers)
    response = client.patch("/v1/accounts/a", json={"name": None}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_patch_of_missing_account_is_not_found(api):
    client, _runtime, headers = api
    response = client.patch("/v1/accounts/nope", json={"status": "closed"}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "account_not_found")


def test_accounts_are_paged_and_filtered(api):
    client, _runtime, headers = api
    for i in range(3):
        client.post("/v1/accounts", json={"id": f"a{i}", "name": "n", "status": "active"}, headers=headers)
    client.post("/v1/accounts", json={"id": "z", "name": "n", "status": "closed"}, headers=headers)
    page = client.get("/v1/accounts", params={"limit": 2}, headers=headers).json()
    assert [a["id"] for a in page["items"]] == ["a0", "a1"]
    rest = client.get("/v1/accounts", params={"limit": 2, "after": page["next_after"]}, headers=headers).json()
    assert [a["id"] for a in rest["items"]] == ["a2", "z"]
    closed = client.get("/v1/accounts", params={"status": "closed"}, headers=headers).json()
    assert [a["id"] for a in closed["items"]] == ["z"]


def test_operator_verification_is_not_taken_on_the_callers_word(api):
    client, runtime, headers = api
    client.post("/v1/operators", json=OPERATOR, headers=headers)
    refused = client.patch("/v1/operators/op-1", json={"verification_state": "verified"}, headers=headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "unknown_field")
    patched = client.patch("/v1/operators/op-1", json={"name": "青山文化传媒"}, headers=headers).json()
    assert (patched["verification_state"], patched["kind"]) == ("unverified", "other_organisation")
    with transaction(runtime.sessions) as session:
        event = session.execute(select(AuditEventRow).where(AuditEventRow.action == "operator.updated")).scalar_one()
    assert event.data["after"] == {"name": "青山文化传媒"}
    nulled = client.patch("/v1/operators/op-1", json={"licences": None}, headers=headers)
    assert nulled.json()["error"]["code"] == "invalid_request"
