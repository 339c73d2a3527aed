"""Sessions, sign-in throttling and the embeddable report form, probed as an attacker would.

- signing out revokes the session: the old cookie opens nothing afterwards;
- a cookie made with the old well-known development secret (the format of the signed cookies before
  server-side sessions) opens nothing, not even on a development install;
- failed sign-ins slow down the network they come from, never the real user signing in from elsewhere;
- the report form works from inside another site: no cookie, a signed token in the form;
- console inputs out of range give an error page with a stable code, never a 500.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from console_support import fresh_settings, seed, seed_articles
from fastapi.testclient import TestClient

from qinglang.api.app import create_app
from qinglang.config import DEVELOPMENT_SECRET


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = fresh_settings(tmp_path_factory.mktemp("sessions"))
    seed(settings)
    return create_app(settings)


def _signed_in(app, who: str = "rev", ip: str = "10.0.0.1") -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False, client=(ip, 5000))
    response = client.post("/console/login", data={"username": who, "password": f"password-{who}"})
    assert response.status_code == 303, response.text[:300]
    return client, re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)


def test_signing_out_revokes_the_session_for_good(app):
    client, csrf = _signed_in(app)
    cookie = client.cookies.get("ql_session")
    assert client.post("/console/logout", data={"csrf": csrf}).status_code == 303
    replay = TestClient(app, follow_redirects=False)
    replay.cookies.set("ql_session", cookie)
    response = replay.get("/console")
    assert response.status_code == 303 and "/console/login" in response.headers["location"]


def test_a_cookie_signed_with_the_old_development_secret_opens_nothing(app):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(DEVELOPMENT_SECRET, salt="qinglang-console-session").dumps(
        {"uid": 3, "csrf": "x"})  # uid 3 is the lead
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("ql_session", forged)
    assert client.get("/console/audit").status_code == 303


def test_the_old_development_secret_is_refused_in_any_environment():
    from qinglang.config import load_settings
    from qinglang.errors import ConfigError

    with pytest.raises(ConfigError, match="well-known"):
        load_settings(security={"secret_key": DEVELOPMENT_SECRET})


def test_without_a_configured_secret_each_install_gets_its_own(tmp_path):
    from qinglang.config import DatabaseSettings, Settings, with_install_secrets

    def key(name: str) -> str:
        settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp_path / name / 'q.db'}"))
        return with_install_secrets(settings).security.secret_key.get_secret_value()

    first, again, other = key("a"), key("a"), key("b")
    assert first == again != other and len(first) >= 32 and first != DEVELOPMENT_SECRET


def _wrong(app, ip: str) -> TestClient:
    return TestClient(app, follow_redirects=False, client=(ip, 5000))


def test_failed_sign_ins_slow_down_their_network_and_never_lock_the_user_out(app):
    attacker = _wrong(app, "203.0.113.9")  # every test here signs in from its own address
    free = app.state.runtime.settings.security.login_free_failures_per_user_network
    codes = [attacker.post("/console/login", data={"username": "rev", "password": "wrong-password"}).status_code
             for _ in range(free + 2)]
    assert codes == [401] * (free + 1) + [429]
    refused = attacker.post("/console/login", data={"username": "rev", "password": "password-rev"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "login_rate_limited" in refused.text
    _signed_in(app, "rev", ip="198.51.100.7")  # the real user, from their own network: in at once


def test_failed_sign_ins_are_audited(app):
    from sqlalchemy import func, select

    from qinglang.storage.db import transaction
    from qinglang.storage.tables.core import AuditEventRow

    def failures() -> int:
        with transaction(app.state.runtime.sessions) as s:
            return s.execute(select(func.count()).select_from(AuditEventRow)
                             .where(AuditEventRow.action == "user.login_failed")).scalar_one()

    before = failures()
    _wrong(app, "203.0.113.10").post("/console/login", data={"username": "rev", "password": "nope-nope"})
    assert failures() == before + 1


def test_the_report_form_works_embedded_in_another_site_without_cookies(app):
    page = TestClient(app).get("/report?target_id=art-1")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    assert "set-cookie" not in page.headers  # nothing a third-party frame would have to send back
    elsewhere = TestClient(app, follow_redirects=False, headers={"Origin": "https://news.example",
                                                                  "Referer": "https://news.example/a/1"})
    response = elsewhere.post("/report", data={"form_token": token, "target_kind": "content", "target_id": "art-1",
                                               "reason": "porn"})
    assert response.status_code == 303 and response.headers["location"].startswith("/report/status/QL-")


@pytest.mark.parametrize("path,data,code", [
    ("/console/cases/1/decide", {"choice": "suspend", "reason": "导流", "days": "abc"}, "action_days_invalid"),
    ("/console/cases/1/decide", {"choice": "suspend", "reason": "导流", "days": "99999999999999999999999"},
     "action_days_invalid"),
    ("/console/cases/1/decide", {"choice": "take_down", "reason": "bad%00reason"}, "invalid_text"),
    ("/console/cases/1/decide", {"choice": "no-such-choice", "reason": "导流"}, "decision_unknown"),
    ("/console/cases/99999999999999999999999/decide", {"choice": "pass", "reason": "ok ok"}, "invalid_request"),
    ("/console/approvals/99999999999999999999", {"verdict": "approve", "reason": "ok"}, "invalid_request"),
    ("/console/appeals/0", {"verdict": "overturn", "reason": "ok"}, "invalid_request"),
    ("/console/calibration", {"target_id": "a%00b", "queue": "porn", "known_answer": "pass"}, "invalid_text"),
    ("/console/calibration", {"target_id": "cal", "queue": "no-such-queue", "known_answer": "pass"},
     "invalid_request"),
])
def test_bad_console_input_is_an_error_page_with_a_code(app, path, data, code):
    client, csrf = _signed_in(app, "lead")
    body = "&".join(f"{k}={v if '%' in v else quote(v)}" for k, v in {**data, "csrf": csrf}.items())
    response = client.post(path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= response.status_code < 500 and f'data-code="{code}"' in response.text, response.text[:400]


def test_big_ids_in_the_console_are_refused_not_crashed(app):
    client, _ = _signed_in(app, "lead")
    for path in ("/console/cases/99999999999999999999999", "/console/audit?before=99999999999999999999999",
                 "/console/media/-1"):
        response = client.get(path)
        assert response.status_code == 422 and "invalid_request" in response.text
    assert 'data-code="queue_unknown"' in client.get("/console?queue_name=a%00b").text


def test_a_double_submitted_decision_acts_once(app):
    from sqlalchemy import func, select

    from qinglang.storage.db import transaction
    from qinglang.storage.tables.review import Action

    seed_articles(app.state.runtime.sessions, ["art-double"])
    reporter = TestClient(app, client=("10.9.0.1", 5000))
    token = re.search(r'name="form_token" value="([^"]+)"', reporter.get("/report").text).group(1)
    reporter.post("/report", data={"form_token": token, "target_kind": "content", "target_id": "art-double",
                                   "reason": "porn"})
    client, csrf = _signed_in(app, ip="10.9.0.2")
    case = re.search(r'href="/console/cases/(\d+)">\d+</a></td><td>[^<]*</td><td>(?:<a [^>]*>)?content:art-double',
                     client.get("/console").text).group(1)
    client.post(f"/console/cases/{case}/claim", data={"csrf": csrf})
    once = re.search(r'name="once" value="([^"]+)"', client.get(f"/console/cases/{case}").text).group(1)
    form = {"csrf": csrf, "once": once, "choice": "take_down", "reason": "色情低俗"}
    first = client.post(f"/console/cases/{case}/decide", data=form)
    second = client.post(f"/console/cases/{case}/decide", data=form)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["location"] == second.headers["location"]
    with transaction(app.state.runtime.sessions) as s:
        assert s.execute(select(func.count()).select_from(Action).where(Action.case_id == int(case))).scalar_one() == 1
