"""The review API over HTTP: reports with tracking codes, cases from verdicts, actions polled with a cursor,
appeals whose overturn reaches the platform like any action."""

from __future__ import annotations

import pytest
from api_support import key_with, make_client
from console_support import fresh_settings, png_bytes, seed

from qinglang.services.review import decisions, queue, users
from qinglang.storage.db import transaction


@pytest.fixture
def api(tmp_path):
    settings = fresh_settings(tmp_path)
    seed(settings)
    client, runtime = make_client(settings)
    return client, runtime


def _report(client, target="art-1", **extra):
    data = {"target_kind": "content", "target_id": target, "reason": "illicit_ad", **extra}
    return client.post("/v1/reports", data=data, files={"screenshots": ("s.png", png_bytes(), "image/png")})


def _take_down(runtime, case_id: int, reviewer: str = "rev") -> None:
    with transaction(runtime.sessions) as s:
        user = users.get_user_by_name(s, reviewer)
        queue.claim_case(s, case_id, user, lease_seconds=600)
        decisions.decide(s, case_id, user, "restrict", "导流", review=runtime.settings.review)


def test_report_returns_a_tracking_code_that_shows_progress(api):
    client, _ = api
    body = _report(client).json()
    assert body["tracking_code"].startswith("QL-") and body["progress"] == "queued"
    assert client.get(f"/v1/reports/{body['tracking_code']}").json()["outcome"] is None
    assert client.get("/v1/reports/QL-NOPE").json()["error"]["code"] == "report_not_found"


def test_actions_are_polled_with_a_cursor_and_appeal_overturn_is_delivered_as_a_reversal(api):
    client, runtime = api
    headers = key_with(runtime)
    _report(client)
    case_id = client.get("/v1/cases", headers=headers).json()["items"][0]["id"]
    _take_down(runtime, case_id)
    page = client.get("/v1/actions?since=0", headers=headers).json()
    kinds = [a["kind"] for a in page["items"]]
    assert kinds == ["take_down", "restrict"]
    restrict = page["items"][1]
    appeal = client.post("/v1/appeals", headers=headers,
                         json={"action_id": restrict["id"], "account_id": "acc-1", "text": "误判，请复核"})
    assert appeal.status_code == 201
    with transaction(runtime.sessions) as s:
        from qinglang.services.review import appeals

        appeals.decide_appeal(s, appeal.json()["id"], users.get_user_by_name(s, "sen"), True, "证据不足")
    later = client.get(f"/v1/actions?since={page['next_since']}", headers=headers).json()["items"]
    assert [(a["kind"], a["reverts"]) for a in later] == [("revert", restrict["id"])]
    assert client.get(f"/v1/appeals/{appeal.json()['id']}", headers=headers).json()["status"] == "overturned"


def test_appeal_by_another_account_is_refused(api):
    client, runtime = api
    headers = key_with(runtime)
    _report(client)
    _take_down(runtime, client.get("/v1/cases", headers=headers).json()["items"][0]["id"])
    action_id = client.get("/v1/actions", headers=headers).json()["items"][0]["id"]
    response = client.post("/v1/appeals", headers=headers,
                           json={"action_id": action_id, "account_id": "someone-else", "text": "x"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "appeal_not_owner"


def test_cases_opened_through_the_api_merge_with_reports(api):
    client, runtime = api
    headers = key_with(runtime, "contents:write", "contents:read")
    _report(client)
    opened = client.post("/v1/cases", headers=headers,
                         json={"target_kind": "content", "target_id": "art-1", "category": "porn", "severity": 3})
    assert opened.status_code == 201
    items = client.get("/v1/cases", headers=headers).json()["items"]
    assert len(items) == 1 and items[0]["severity"] == 3


def test_case_api_needs_the_right_scope(api):
    client, runtime = api
    response = client.post("/v1/cases", headers=key_with(runtime, "contents:read"),
                           json={"target_kind": "content", "target_id": "a", "category": "porn"})
    assert response.status_code == 403


def test_an_appeal_retried_with_its_idempotency_key_is_filed_once(api):
    client, runtime = api
    headers = key_with(runtime)
    _report(client)
    _take_down(runtime, client.get("/v1/cases", headers=headers).json()["items"][0]["id"])
    action_id = client.get("/v1/actions", headers=headers).json()["items"][-1]["id"]
    body = {"action_id": action_id, "account_id": "acc-1", "text": "误判，请复核"}
    keyed = {**headers, "Idempotency-Key": "appeal-7f3a"}
    first, again = client.post("/v1/appeals", headers=keyed, json=body), client.post("/v1/appeals", headers=keyed,
                                                                                      json=body)
    assert (first.status_code, again.status_code) == (201, 201) and first.json() == again.json()
    assert (first.headers["idempotent-replayed"], again.headers["idempotent-replayed"]) == ("false", "true")
    other = client.post("/v1/appeals", headers=keyed, json={**body, "text": "另一条"})
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    unkeyed = client.post("/v1/appeals", headers=headers, json=body)
    assert (unkeyed.status_code, unkeyed.json()["error"]["code"]) == (409, "appeal_exists")


def test_review_api_times_are_iso_8601_and_ids_are_bounded(api):
    client, runtime = api
    headers = key_with(runtime)
    _report(client)
    case = client.get("/v1/cases", headers=headers).json()["items"][0]
    assert case["created_at"].endswith("+00:00") and case["status"] == "open"
    for path in ("/v1/actions/99999999999999999999", "/v1/appeals/2147483648", "/v1/actions?since=99999999999999999999"):
        response = client.get(path, headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (422, "id_out_of_range"), path
    assert client.get("/v1/appeals/0", headers=headers).status_code == 404  # in range, and no such appeal
    assert client.get("/v1/cases?queue=nope", headers=headers).json()["error"]["code"] == "queue_unknown"
