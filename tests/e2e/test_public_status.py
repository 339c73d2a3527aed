"""The public side of a report, through HTTP as a reader sees it: the status page by tracking code, the reward,
and a report about a target qinglang does not know.

- a severe action waiting for the second senior's approval shows as "pending approval" (待复核批准), with no
  outcome and no reward yet; once approved the outcome is "action taken" and the credited reward appears;
- a report naming an unknown article or account is refused with ``report_target_unknown``: 404 on the API, the
  form says why in Chinese (English with the toggle), and no case is opened.
"""

from __future__ import annotations

import re

import pytest
from console_support import fresh_settings, seed
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qinglang.api.app import create_app
from qinglang.services.review import decisions, queue, users
from qinglang.storage.db import transaction
from qinglang.storage.tables.review import Case


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = fresh_settings(tmp_path_factory.mktemp("public"))
    seed(settings)
    return create_app(settings)


def _file(app, target_id: str, *, target_kind: str = "content", contact: str = "", lang: str = "zh",
          ip: str = "10.1.0.1"):
    client = TestClient(app, follow_redirects=False, client=(ip, 5000), cookies={"ql_lang": lang})
    token = re.search(r'name="form_token" value="([^"]+)"', client.get("/report").text).group(1)
    return client.post("/report", data={"form_token": token, "target_kind": target_kind, "target_id": target_id,
                                        "reason": "porn", "contact": contact})


def _status(app, code: str, lang: str = "zh") -> tuple[str, dict]:
    client = TestClient(app, cookies={"ql_lang": lang})
    return client.get(f"/report/status/{code}").text, client.get(f"/v1/reports/{code}").json()


def _user(app, name: str):
    with transaction(app.state.runtime.sessions) as s:
        return users.get_user_by_name(s, name)


def _field(html: str, name: str) -> str:
    match = re.search(rf'<dd id="{name}"[^>]*>(.*?)</dd>', html, re.S)
    return match.group(1).strip() if match else ""


def test_a_severe_action_awaiting_approval_is_pending_until_a_second_senior_approves(app):
    filed = _file(app, "art-1", contact="reader@example.com")
    assert filed.status_code == 303, filed.text[:300]
    code = filed.headers["location"].split("/")[-1].split("?")[0]
    html, wire = _status(app, code)
    assert (wire["progress"], wire["outcome"], wire["reward_cents"]) == ("queued", None, None)

    runtime, senior, lead = app.state.runtime, _user(app, "sen"), _user(app, "lead")
    review = runtime.settings.review
    with transaction(runtime.sessions) as s:
        case = queue.claim_next(s, senior, lease_seconds=600)
        asked = decisions.decide(s, case.id, senior, "close", "导流到站外，关闭账号", review=review)
    assert asked.approval_id is not None
    html, wire = _status(app, code)
    assert (wire["progress"], wire["outcome"], wire["reward_status"]) == ("pending_approval", None, None)
    assert _field(html, "progress") == "待复核批准" and _field(html, "outcome") == "—"
    assert 'id="reward"' not in html
    assert _field(_status(app, code, "en")[0], "progress") == "Pending approval"

    with transaction(runtime.sessions) as s:
        decisions.settle_approval(s, asked.approval_id, lead, True, "同意关闭", review=review)
    html, wire = _status(app, code)
    assert (wire["progress"], wire["outcome"]) == ("closed", "action_taken")
    assert (wire["reward_cents"], wire["reward_status"]) == (review.reward_cents, "credited")
    assert _field(html, "outcome") == "已处理违规内容"
    assert f"¥{review.reward_cents / 100:.2f} · 已记入，待发放" in _field(html, "reward")
    assert "credited, awaiting payout" in _field(_status(app, code, "en")[0], "reward")


def _cases(app) -> int:
    with transaction(app.state.runtime.sessions) as s:
        return s.execute(select(func.count()).select_from(Case)).scalar_one()


@pytest.mark.parametrize("target_kind,target_id", [("content", "art-404"), ("account", "acc-404")])
def test_a_report_about_an_unknown_target_is_refused_with_a_clear_message(app, target_kind, target_id):
    before = _cases(app)
    api = TestClient(app, client=("10.2.0.1", 5000)).post(
        "/v1/reports", data={"target_kind": target_kind, "target_id": target_id, "reason": "porn"})
    assert api.status_code == 404 and api.json()["error"]["code"] == "report_target_unknown"
    assert target_id in api.json()["error"]["message"]

    zh = _file(app, target_id, target_kind=target_kind, ip="10.2.0.2")
    assert zh.status_code == 404 and 'data-code="report_target_unknown"' in zh.text
    assert "找不到该文章或账号" in zh.text and f'value="{target_id}"' in zh.text  # the form keeps what was typed
    en = _file(app, target_id, target_kind=target_kind, lang="en", ip="10.2.0.3")
    assert "No article or account has this id" in en.text
    assert _cases(app) == before


def test_an_account_known_only_as_an_author_can_be_reported(app):
    filed = _file(app, "acc-1", target_kind="account", ip="10.3.0.1")
    assert filed.status_code == 303 and "/report/status/QL-" in filed.headers["location"]
