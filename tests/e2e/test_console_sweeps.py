"""The console's sweep pages: a queued sweep shows its status and polls it until the worker has run it; then a lead
sees it grouped by reason and takes the selected contents down at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from api_support import key_with, make_client
from console_support import fresh_settings, seed
from fastapi.testclient import TestClient

from qinglang.workers.review import ReviewWorker

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]


@pytest.fixture
def world(tmp_path):
    settings = fresh_settings(tmp_path)
    seed(settings)
    client, runtime = make_client(settings)
    headers = key_with(runtime)
    for content_id, text in (("a", PASSAGES[0] + " site:bad.example"), ("b", PASSAGES[0][:300]),
                             ("c", PASSAGES[1] + " site:bad.example")):
        assert client.post("/v1/contents", json={"content_id": content_id, "text": text}, headers=headers).is_success
    yield client, runtime, headers
    runtime.close()


def _signed_in(client: TestClient, who: str) -> str:
    client.post("/console/login", data={"username": who, "password": f"password-{who}"})
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)


def _run_queued(runtime) -> None:
    assert ReviewWorker(runtime.sessions, runtime.settings.review, sweep_settings=runtime.settings).run_once()[
        "sweeps_run"] == 1


def test_a_lead_sees_the_sweep_by_reason_and_takes_the_selected_contents_down(world):
    client, runtime, headers = world
    queued = client.post("/v1/sweeps", json={"text": PASSAGES[0][100:400] + " site:bad.example"},
                         headers=headers).json()
    csrf = _signed_in(client, "lead")
    waiting = client.get(f"/console/sweeps/{queued['id']}").text
    assert 'id="sweep-status"' in waiting and f'hx-get="/console/sweeps/{queued["id"]}/status"' in waiting
    assert "排队中" in waiting and 'id="bulk-form"' not in waiting
    poll = client.get(f"/console/sweeps/{queued['id']}/status")
    assert poll.status_code == 200 and "hx-trigger=\"every 2s\"" in poll.text and "HX-Refresh" not in poll.headers
    _run_queued(runtime)
    finished = client.get(f"/console/sweeps/{queued['id']}/status")
    assert finished.headers["HX-Refresh"] == "true" and "hx-get" not in finished.text
    sweep = client.get(f"/v1/sweeps/{queued['id']}", headers=headers).json()
    assert {i["content_id"] for i in sweep["items"]} == {"a", "b"}
    listing = client.get("/console/sweeps")
    assert listing.status_code == 200 and f'href="/console/sweeps/{sweep["id"]}"' in listing.text
    page = client.get(f"/console/sweeps/{sweep['id']}").text
    assert 'id="group-near_duplicate"' in page and "相似内容 (2)" in page
    boxes = re.findall(r'name="case_id" value="(\d+)" checked', page)
    assert sorted(map(int, boxes)) == sorted(i["case_id"] for i in sweep["items"])
    chosen = [i["case_id"] for i in sweep["items"] if i["content_id"] == "a"]
    done = client.post(f"/console/sweeps/{sweep['id']}/decide", follow_redirects=False,
                       data={"csrf": csrf, "case_id": chosen, "choice": "take_down", "reason": "同一引流文本"})
    assert done.status_code == 303 and done.headers["location"].endswith("decided=1&pending=0&refused=0")
    assert 'id="bulk-result"' in client.get(done.headers["location"]).text
    actions = client.get("/v1/actions?since=0", headers=headers).json()["items"]
    assert [(a["kind"], a["target_id"]) for a in actions] == [("take_down", "a")]
    again = client.post(f"/console/sweeps/{sweep['id']}/decide", follow_redirects=False,
                        data={"csrf": csrf, "case_id": chosen, "choice": "take_down", "reason": "同一引流文本"})
    assert again.headers["location"].endswith("decided=0&pending=0&refused=1")
    bad = client.post(f"/console/sweeps/{sweep['id']}/decide",
                      data={"csrf": csrf, "case_id": chosen, "choice": "take_down", "reason": ""})
    assert bad.status_code == 422 and "reason_required" in bad.text


def test_a_reviewer_may_not_decide_a_sweep(world):
    client, runtime, headers = world
    sweep = client.post("/v1/sweeps", json={"domain": "bad.example"}, headers=headers).json()
    _run_queued(runtime)
    csrf = _signed_in(client, "rev")
    assert client.get(f"/console/sweeps/{sweep['id']}").status_code == 403
    assert client.get(f"/console/sweeps/{sweep['id']}/status").status_code == 403
    refused = client.post(f"/console/sweeps/{sweep['id']}/decide",
                          data={"csrf": csrf, "case_id": [1], "choice": "take_down", "reason": "x"})
    assert refused.status_code == 403
