"""API keys: missing, invalid, revoked and out-of-scope keys are refused with their codes."""

from __future__ import annotations

import pytest
from api_support import key_with, make_client

from qinglang.services.apikeys import revoke_api_key
from qinglang.storage.db import transaction


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime
    runtime.close()


def test_request_without_a_key_is_refused(api):
    client, _runtime = api
    response = client.post("/v1/screen", json={"text": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"


def test_unknown_key_is_refused(api):
    client, _runtime = api
    response = client.post("/v1/screen", json={"text": "x"}, headers={"X-API-Key": "qlk_wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_key_without_the_scope_is_forbidden(api):
    client, runtime = api
    headers = key_with(runtime, "screen")
    assert client.post("/v1/screen", json={"text": "x"}, headers=headers).status_code == 200
    response = client.post("/v1/lists/entries", json={"kind": "domain", "value": "x.com"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_admin_scope_allows_every_route(api):
    client, runtime = api
    headers = key_with(runtime, "admin")
    response = client.post("/v1/lists/entries", json={"kind": "domain", "value": "x.com"}, headers=headers)
    assert response.status_code == 201


def test_revoked_key_is_refused(api):
    client, runtime = api
    headers = key_with(runtime, "screen")
    runtime.keys.clear()
    key_id = None
    with transaction(runtime.sessions) as session:
        from qinglang.services.apikeys import list_api_keys

        key_id = list_api_keys(session)[-1].id
        revoke_api_key(session, key_id, actor="test")
    runtime.keys.clear()
    response = client.post("/v1/screen", json={"text": "x"}, headers=headers)
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_health_needs_no_key(api):
    client, _runtime = api
    assert client.get("/healthz").json()["status"] == "ok"
