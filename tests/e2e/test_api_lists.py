"""Lists through the API: a block-listed domain blocks content, pagination, import and export."""

from __future__ import annotations

import pytest
from api_support import key_with, make_client


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


def test_blocklisted_domain_blocks_a_content_that_links_to_it(api):
    client, _runtime, headers = api
    item = {"id": "x", "text": "更多精彩 site:www.bad-example.com 见"}
    assert client.post("/v1/screen", json=item, headers=headers).json()["verdict"] == "pass"
    added = client.post(
        "/v1/lists/entries", json={"kind": "domain", "value": "Bad-Example.com", "reason": "引流"}, headers=headers
    )
    assert added.status_code == 201
    assert added.json()["value"] == "bad-example.com"
    result = client.post("/v1/screen", json=item, headers=headers).json()
    assert (result["verdict"], result["category"]) == ("block", "illicit_ad")
    assert result["policy"]["id"]


def test_link_to_blocklisted_domain_blocks_through_the_register(api):
    client, _runtime, headers = api
    client.post("/v1/lists/entries", json={"kind": "domain", "value": "evil.example"}, headers=headers)
    result = client.post("/v1/screen", json={"links": ["https://m.evil.example/a"]}, headers=headers).json()
    assert result["verdict"] == "block"


def test_removed_entry_stops_blocking(api):
    client, _runtime, headers = api
    entry = client.post("/v1/lists/entries", json={"kind": "domain", "value": "evil.example"}, headers=headers).json()
    assert client.delete(f"/v1/lists/entries/{entry['id']}", headers=headers).json()["removed_at"]
    result = client.post("/v1/screen", json={"links": ["https://evil.example/a"]}, headers=headers).json()
    assert result["verdict"] == "pass"


def test_duplicate_active_entry_is_a_conflict(api):
    client, _runtime, headers = api
    client.post("/v1/lists/entries", json={"kind": "domain", "value": "evil.example"}, headers=headers)
    response = client.post("/v1/lists/entries", json={"kind": "domain", "value": "EVIL.example"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "list_entry_exists"


def test_entries_are_paged_by_id(api):
    client, _runtime, headers = api
    for i in range(5):
        client.post("/v1/lists/entries", json={"kind": "contact", "value": f"wx{i}"}, headers=headers)
    seen, after = [], 0
    while True:
        page = client.get("/v1/lists/entries", params={"limit": 2, "after": after}, headers=headers).json()
        seen += [e["value"] for e in page["items"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert seen == [f"wx{i}" for i in range(5)]


def test_import_then_export_round_trips(api):
    client, _runtime, headers = api
    jsonl = '{"kind": "domain", "value": "a.example"}\n{"kind": "contact", "value": "vx123"}\n{"kind": "nope"}\n'
    ct = {**headers, "Content-Type": "application/x-ndjson"}
    dry = client.post("/v1/lists/import", params={"dry_run": "true"}, content=jsonl.encode(), headers=ct).json()
    assert (dry["added"], len(dry["errors"])) == (2, 1)
    assert client.get("/v1/lists/entries", headers=headers).json()["items"] == []
    report = client.post("/v1/lists/import", content=jsonl.encode(), headers=ct).json()
    assert (report["added"], report["skipped"], report["errors"][0]["row"]) == (2, 0, 3)
    again = client.post("/v1/lists/import", content=jsonl.encode(), headers=ct).json()
    assert again["skipped"] == 2
    exported = client.get("/v1/lists/export", params={"format": "csv"}, headers=headers)
    assert exported.text.splitlines()[0] == "list,kind,value,reason,expires_at"
    assert len(exported.text.splitlines()) == 3


def test_import_of_malformed_jsonl_names_the_line_and_adds_nothing(api):
    client, _runtime, headers = api
    body = b'{"kind": "domain", "value": "a.example"}\n{"kind": \n'
    response = client.post(
        "/v1/lists/import", content=body, headers={**headers, "Content-Type": "application/x-ndjson"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed_json")
    assert "line 2" in response.json()["error"]["message"]
    assert client.get("/v1/lists/entries", headers=headers).json()["items"] == []
