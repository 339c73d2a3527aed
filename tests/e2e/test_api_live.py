"""The API over real HTTP with the shipped pipeline: the issue's drainage example, and a clean paragraph."""

from __future__ import annotations

from qinglang.services.apikeys import create_api_key
from qinglang.storage.db import make_engine, make_session_factory, transaction


def _key(settings, *scopes: str) -> dict[str, str]:
    engine = make_engine(settings.database.url)
    try:
        with transaction(make_session_factory(engine)) as session:
            _key, secret = create_api_key(session, "live", scopes, actor="test")
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


def test_drainage_teaser_is_flagged_with_its_handle_and_a_clean_paragraph_passes(live_server):
    headers = _key(live_server.settings, "screen")
    with live_server.client(headers=headers) as client:
        teaser = client.post("/v1/screen", json={"id": "a", "text": "加我薇 信 abc123 看 全 集"}).json()
        clean = client.post("/v1/screen", json={"id": "b", "text": "长江是亚洲第一长河，发源于青藏高原。"}).json()
    assert teaser["verdict"] in ("review", "block")
    assert teaser["category"] == "illicit_ad"
    assert any(c["value"] == "abc123" for c in teaser["contacts"])
    assert clean["verdict"] == "pass"


def test_oversized_streamed_body_is_refused_over_http(live_server):
    headers = {**_key(live_server.settings, "screen"), "Content-Type": "application/json"}
    limit = live_server.settings.api.max_body_bytes

    def chunks():
        yield b'{"text": "'
        for _ in range(limit // 65536 + 2):
            yield b"a" * 65536

    with live_server.client(headers=headers) as client:
        response = client.post("/v1/screen", content=chunks())
    assert (response.status_code, response.json()["error"]["code"]) == (413, "payload_too_large")
