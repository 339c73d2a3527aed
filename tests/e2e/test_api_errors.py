"""Bad input gets a clear error with a stable code, never a 500, and nothing is written."""

from __future__ import annotations

import pytest
from api_support import key_with, make_client
from sqlalchemy import func, select

from qinglang.config import ApiSettings, Settings
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ContentVersionRow


@pytest.fixture
def small_settings(settings) -> Settings:
    limits = ApiSettings(max_body_bytes=4096, max_text_chars=100, max_images=2, max_links=3)
    return settings.model_copy(update={"api": limits})


@pytest.fixture
def api(small_settings):
    client, runtime = make_client(small_settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


def _stored(runtime) -> int:
    with transaction(runtime.sessions) as session:
        return session.execute(select(func.count()).select_from(ContentVersionRow)).scalar_one()


def _post_raw(client, headers, body: bytes, path="/v1/contents"):
    return client.post(path, content=body, headers={**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"content_id": "x", "text": ', 400, "malformed_json"),
        (b'{"content_id": "x", "text": "\xff\xfe"}', 400, "invalid_utf8"),
        (b'{"content_id": "x", "colour": "red"}', 422, "unknown_field"),
        (b'{"content_id": 5, "text": []}', 422, "invalid_request"),
        (b'{"content_id": "x", "text": "' + "字".encode() * 101 + b'"}', 413, "text_too_long"),
        (b'{"content_id": "x", "images": ["a", "b", "c"]}', 413, "too_many_images"),
        (b'{"content_id": "x", "links": ["a", "b", "c", "d"]}', 413, "too_many_links"),
        (b'{"content_id": "x", "text": "' + b"a" * 5000 + b'"}', 413, "payload_too_large"),
        (b"[]", 422, "invalid_request"),
        (b"", 422, "invalid_request"),
    ],
)
def test_bad_content_submission_gets_its_code_and_stores_nothing(api, body, status, code):
    client, runtime, headers = api
    response = _post_raw(client, headers, body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert response.json()["error"]["message"]
    assert _stored(runtime) == 0


def test_streamed_body_over_the_limit_is_refused_without_content_length(api):
    client, _runtime, headers = api

    def chunks():
        for _ in range(10):
            yield b"a" * 1000

    response = client.post("/v1/screen", content=chunks(), headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_unknown_field_names_the_field(api):
    client, _runtime, headers = api
    response = client.post("/v1/screen", json={"text": "x", "colour": "red"}, headers=headers)
    assert response.status_code == 422
    assert "colour" in response.json()["error"]["message"]


def test_invalid_field_gives_its_path(api):
    client, _runtime, headers = api
    response = client.post("/v1/accounts", json={"id": "a", "name": "n", "followers": -1}, headers=headers)
    assert response.json()["error"]["code"] == "invalid_request"
    assert response.json()["error"]["details"]["errors"][0]["field"] == "followers"


def test_unknown_route_uses_the_error_shape(api):
    client, _runtime, headers = api
    response = client.get("/v1/nothing-here", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_nul_character_is_refused_before_the_database(api):
    client, runtime, headers = api
    response = client.post("/v1/contents", json={"content_id": "x", "text": "a\u0000b"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_text"
    assert response.json()["error"]["details"]["errors"][0]["field"] == "text"
    assert _stored(runtime) == 0


def test_integer_beyond_the_column_range_is_refused(api):
    client, _runtime, headers = api
    response = client.post("/v1/contents", json={"content_id": "x", "chapter": 2**40}, headers=headers)
    assert response.json()["error"]["code"] == "id_out_of_range"
    assert response.json()["error"]["details"]["errors"][0]["field"] == "chapter"


def test_docs_and_openapi_need_no_key(api):
    client, _runtime, _headers = api
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/v1/screen" in spec["paths"] and "/v1/contents" in spec["paths"]


def test_form_encoded_body_is_told_to_send_json(api):
    client, _runtime, headers = api
    form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/v1/screen", content=b'{"text": "x"}', headers=form)
    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")
