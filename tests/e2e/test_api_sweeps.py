"""Sweeps through the API: a sweep is queued (``202``), the review worker runs it, and ad-hoc seeds open cases in
the sweep queue; an ``Idempotency-Key`` queues one sweep however often it is sent; errors have their codes; a
listed ``text_fingerprint`` passage blocks the contents that contain it."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from api_support import key_with, make_client

from qinglang.workers.review import ReviewWorker

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]


@pytest.fixture
def api(settings):
    client, runtime = make_client(settings)
    yield client, runtime, key_with(runtime)
    runtime.close()


def _post(client, headers, content_id: str, text: str):
    response = client.post("/v1/contents", json={"content_id": content_id, "text": text}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _worker_pass(runtime) -> dict[str, int]:
    return ReviewWorker(runtime.sessions, runtime.settings.review, sweep_settings=runtime.settings).run_once()


def _sweep(client, runtime, headers, seed: dict) -> dict:
    """Queue a sweep, let one worker pass run it, and read it back where ``Location`` says."""
    started = client.post("/v1/sweeps", json=seed, headers=headers)
    assert started.status_code == 202, started.text
    assert _worker_pass(runtime)["sweeps_run"] == 1
    return client.get(started.headers["location"], headers=headers).json()


def test_a_domain_sweep_is_queued_run_by_the_worker_and_read_back(api):
    client, runtime, headers = api
    _post(client, headers, "a", PASSAGES[0] + " site:bad.example")
    _post(client, headers, "b", PASSAGES[1] + " site:bad.example")
    _post(client, headers, "c", PASSAGES[2])
    started = client.post("/v1/sweeps", json={"domain": "bad.example"}, headers=headers)
    assert started.status_code == 202, started.text
    queued = started.json()
    assert started.headers["location"] == f"/v1/sweeps/{queued['id']}"
    assert (queued["status"], queued["found"], queued["items"], queued["finished_at"]) == ("queued", 0, [], None)
    assert client.get("/v1/cases", params={"queue": "sweep"}, headers=headers).json()["items"] == []
    assert _worker_pass(runtime)["sweeps_run"] == 1
    body = client.get(f"/v1/sweeps/{queued['id']}", headers=headers).json()
    assert (body["seed_kind"], body["status"], body["found"], body["opened"]) == ("domain", "completed", 2, 2)
    assert [(i["content_id"], i["reason_kind"]) for i in body["items"]] == [("a", "shared_target"),
                                                                             ("b", "shared_target")]
    assert body["items"][0]["reason"] == "shares domain bad.example with the domain 'bad.example'"
    assert client.get(f"/v1/sweeps/{body['id']}", headers=headers).json() == body
    assert [s["id"] for s in client.get("/v1/sweeps", headers=headers).json()["items"]] == [body["id"]]
    queue = client.get("/v1/cases", params={"queue": "sweep"}, headers=headers).json()["items"]
    assert sorted(c["target_id"] for c in queue) == ["a", "b"]
    text = _sweep(client, runtime, headers, {"text": PASSAGES[2][:300]})
    assert [i["content_id"] for i in text["items"]] == ["c"] and text["items"][0]["score"] == 1.0


def test_an_idempotency_key_queues_one_sweep_even_sent_twice_at_once(api):
    client, runtime, headers = api
    _post(client, headers, "a", PASSAGES[0] + " site:bad.example")
    keyed = {**headers, "Idempotency-Key": "sweep-bad-example-1"}
    barrier = threading.Barrier(2)

    def send(_):
        barrier.wait()
        return client.post("/v1/sweeps", json={"domain": "bad.example"}, headers=keyed)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, range(2)))
    assert [a.status_code for a in answers] == [202, 202]
    assert sorted(a.headers["idempotent-replayed"] for a in answers) == ["false", "true"]
    assert answers[0].json() == answers[1].json()
    assert answers[0].headers["location"] == answers[1].headers["location"]
    again = client.post("/v1/sweeps", json={"domain": "bad.example"}, headers=keyed)
    assert again.status_code == 202 and again.json()["id"] == answers[0].json()["id"]
    assert len(client.get("/v1/sweeps", headers=headers).json()["items"]) == 1
    other = client.post("/v1/sweeps", json={"domain": "other.example"}, headers=keyed)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert _worker_pass(runtime)["sweeps_run"] == 1 and _worker_pass(runtime)["sweeps_run"] == 0
    assert client.get(again.headers["location"], headers=headers).json()["found"] == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    ({}, 422, "invalid_sweep_seed"),
    ({"domain": "x.example", "contact": "wechat:abc"}, 422, "invalid_sweep_seed"),
    ({"text": "   "}, 422, "invalid_sweep_seed"),
    ({"colour": "red"}, 422, "unknown_field"),
    ({"case_id": 2**40}, 422, "id_out_of_range"),
    ({"case_id": 777}, 404, "case_not_found"),
    ({"text": "a\u0000b"}, 422, "invalid_text"),
])
def test_bad_seeds_are_refused_with_their_codes(api, body, status, code):
    client, _runtime, headers = api
    response = client.post("/v1/sweeps", json=body, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_an_unconfirmed_case_and_a_missing_sweep(api):
    client, _runtime, headers = api
    _post(client, headers, "a", PASSAGES[0])
    case = client.post("/v1/cases", json={"target_kind": "content", "target_id": "a", "category": "porn"},
                       headers=headers).json()
    response = client.post("/v1/sweeps", json={"case_id": case["id"]}, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "sweep_seed_not_confirmed")
    missing = client.get("/v1/sweeps/9999", headers=headers)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "sweep_not_found")
    reader = key_with(_runtime, "contents:read")
    refused = client.post("/v1/sweeps", json={"domain": "x.example"}, headers=reader)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "insufficient_scope")


def test_a_listed_passage_blocks_contents_containing_it(api):
    client, _runtime, headers = api
    passage = PASSAGES[3][200:500]
    added = client.post("/v1/lists/entries", json={"kind": "text_fingerprint", "value": passage, "reason": "case #1"},
                        headers=headers)
    assert added.status_code == 201, added.text
    chapter = PASSAGES[3].replace("，", " ").replace("。", "！")
    result = client.post("/v1/screen", json={"id": "x", "text": chapter}, headers=headers).json()
    assert result["verdict"] == "block"
    assert client.post("/v1/screen", json={"id": "y", "text": PASSAGES[0]}, headers=headers).json()["verdict"] == "pass"
    short = client.post("/v1/lists/entries", json={"kind": "text_fingerprint", "value": "太短了"}, headers=headers)
    assert (short.status_code, short.json()["error"]["code"]) == (422, "invalid_list_value")


def test_a_term_sweep_opens_cases_for_the_contents_containing_it(api):
    client, runtime, headers = api
    _post(client, headers, "t1", PASSAGES[0] + "，青狼秘笈己，")
    _post(client, headers, "t2", PASSAGES[1])
    body = _sweep(client, runtime, headers, {"term": "青狼秘笈己"})
    assert [(i["content_id"], i["reason_kind"]) for i in body["items"]] == [("t1", "contains_term")]
    assert body["items"][0]["reason"] == "contains the term '青狼秘笈己'"


def test_an_unreachable_ray_cluster_fails_the_sweep_with_its_error(settings):
    pytest.importorskip("ray")
    import socket

    from qinglang.config import BatchSettings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{s.getsockname()[1]}"  # closed again: nothing listens there
    client, runtime = make_client(settings.model_copy(update={
        "batch": BatchSettings(engine="ray", ray_address=address)}))
    try:
        headers = key_with(runtime)
        _post(client, headers, "a", PASSAGES[0])
        failed = _sweep(client, runtime, headers, {"text": PASSAGES[0][:300]})
        assert failed["status"] == "failed" and failed["items"] == [] and failed["finished_at"]
        assert failed["error"].startswith("batch_engine_unavailable: ") and address in failed["error"]
        domain = _sweep(client, runtime, headers, {"domain": "bad.example"})
        assert domain["status"] == "completed"  # no text to compare: the engine is not needed, so not asked
    finally:
        runtime.close()
