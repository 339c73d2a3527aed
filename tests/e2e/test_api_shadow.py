"""``GET /v1/shadow-differences`` on SQLite and PostgreSQL: the stored differences between the shadow and the live
policy, newest first, a page at a time, filtered; bad parameters have their codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import key_with
from fastapi.testclient import TestClient

from qinglang.api.app import create_app
from qinglang.config import ScreeningSettings
from qinglang.services.runtime import Runtime

STRICT = Path(__file__).with_name("shadow_strict_policy.yaml")  # any contact handle blocks
TEXTS = {"handle-1": "今天的分享到这里，微信 abc123", "clean": "今天天气很好，我们去公园散步。",
         "handle-2": "有问题联系微信 xyz789", "handle-3": "合作请加微信 qwe456"}


@pytest.fixture
def api(settings):
    screening = ScreeningSettings(detectors=["contacts"], shadow_policy_path=STRICT)
    settings = settings.model_copy(update={"screening": screening})
    runtime = Runtime.from_settings(settings)  # the real screener, with the shadow policy
    client = TestClient(create_app(settings, runtime), raise_server_exceptions=False)
    headers = key_with(runtime)
    for content_id, text in TEXTS.items():
        response = client.post("/v1/contents", json={"content_id": content_id, "text": text}, headers=headers)
        assert response.status_code == 201, response.text
    yield client, headers
    runtime.close()


def test_differences_are_listed_newest_first_a_page_at_a_time(api):
    client, headers = api
    body = client.get("/v1/shadow-differences", headers=headers).json()
    items = body["items"]
    assert [i["content_id"] for i in items] == ["handle-3", "handle-2", "handle-1"] and body["next_before"] is None
    first = items[0]
    assert (first["live_verdict"], first["shadow_verdict"], first["direction"]) == ("review", "block", "stricter")
    assert first["shadow_policy"] == "shadow-strict s1" and first["live_policy"].startswith("qinglang-default ")
    page = client.get("/v1/shadow-differences", params={"limit": 2}, headers=headers).json()
    assert [i["content_id"] for i in page["items"]] == ["handle-3", "handle-2"]
    rest = client.get("/v1/shadow-differences", params={"limit": 2, "before": page["next_before"]},
                      headers=headers).json()
    assert [i["content_id"] for i in rest["items"]] == ["handle-1"] and rest["next_before"] is None
    none = client.get("/v1/shadow-differences", params={"shadow_verdict": "pass"}, headers=headers).json()
    assert none["items"] == []
    by_version = client.get("/v1/shadow-differences", params={"shadow_policy_version": "s1"}, headers=headers)
    assert len(by_version.json()["items"]) == 3


@pytest.mark.parametrize(("params", "code"), [
    ({"limit": 0}, "invalid_request"),
    ({"before": 2**40}, "id_out_of_range"),
    ({"live_verdict": "maybe"}, "invalid_request"),
    ({"shadow_policy_version": "a\u0000b"}, "invalid_text"),
])
def test_bad_parameters_are_refused_with_their_codes(api, params, code):
    client, headers = api
    response = client.get("/v1/shadow-differences", params=params, headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == code


def test_a_key_without_contents_read_is_refused(api):
    client, _ = api
    assert client.get("/v1/shadow-differences").status_code == 401
