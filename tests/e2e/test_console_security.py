"""Every console and review API route refuses the wrong role, CSRF and session checks hold, reports rate-limit."""

from __future__ import annotations

import re

import pytest
from console_support import fresh_settings, seed, seed_articles
from fastapi.testclient import TestClient

from qinglang.api.app import create_app

ROLES = ("rev", "sen", "lead", "aud")
ALL, REVIEWERS, SENIORS, LEADS, AUDIT = set(ROLES), {"rev", "sen", "lead"}, {"sen", "lead"}, {"lead"}, {"aud", "lead"}
# (method, path, who may) — every console route; POSTs carry a valid CSRF token
CONSOLE_ROUTES = [
    ("GET", "/console", ALL),
    ("POST", "/console/claim", REVIEWERS),
    ("POST", "/console/cases/1/claim", REVIEWERS),
    ("GET", "/console/cases/1", ALL),
    ("POST", "/console/cases/1/decide", REVIEWERS),
    ("POST", "/console/cases/1/release", REVIEWERS),
    ("GET", "/console/approvals", SENIORS),
    ("POST", "/console/approvals/1", SENIORS),
    ("GET", "/console/appeals", REVIEWERS),
    ("POST", "/console/appeals/1", REVIEWERS),
    ("GET", "/console/rewards", LEADS),
    ("POST", "/console/rewards/1", LEADS),
    ("GET", "/console/calibration", LEADS),
    ("POST", "/console/calibration", LEADS),
    ("GET", "/console/audit", AUDIT),
    ("GET", "/console/audit/export", AUDIT),
    ("GET", "/console/media/1", ALL),
    ("GET", "/console/sweeps", AUDIT),
    ("GET", "/console/sweeps/1", LEADS),
    ("POST", "/console/sweeps/1/decide", LEADS),
    ("GET", "/console/shadow", AUDIT),
    ("GET", "/console/dashboard", AUDIT),
    ("GET", "/console/dashboard/report?format=csv", AUDIT),
    *[("GET", f"/console/{name}?page=1", AUDIT)
      for name in ("contents", "cases", "reports", "actions", "accounts", "lists", "sweeps")],
    ("POST", "/console/logout", ALL),
]
API_ROUTES = [("GET", "/v1/actions"), ("GET", "/v1/actions/1"), ("GET", "/v1/cases"), ("POST", "/v1/cases"),
              ("POST", "/v1/appeals"), ("GET", "/v1/appeals/1")]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = fresh_settings(tmp_path_factory.mktemp("security"))
    seed(settings)
    return create_app(settings)


def _client(app, who: str | None):
    client = TestClient(app, follow_redirects=False)
    if who is None:
        return client, ""
    client.post("/console/login", data={"username": who, "password": f"password-{who}"})
    page = client.get("/console").text
    return client, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("method,path,allowed", CONSOLE_ROUTES, ids=[f"{m} {p}" for m, p, _ in CONSOLE_ROUTES])
@pytest.mark.parametrize("who", ROLES)
def test_console_route_refuses_wrong_roles(app, method, path, allowed, who):
    client, csrf = _client(app, who)
    response = client.request(method, path, data={"csrf": csrf} if method == "POST" else None)
    refused = response.status_code == 403 and "role_insufficient" in response.text
    assert refused == (who not in allowed), (response.status_code, response.text[:200])


@pytest.mark.parametrize("method,path,allowed", CONSOLE_ROUTES, ids=[f"{m} {p}" for m, p, _ in CONSOLE_ROUTES])
def test_console_route_needs_a_session(app, method, path, allowed):
    client, _ = _client(app, None)
    response = client.request(method, path, data={"csrf": "x"} if method == "POST" else None)
    assert response.status_code in (303, 401)
    assert response.status_code == 401 or "/console/login" in response.headers["location"]


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in CONSOLE_ROUTES if m == "POST"])
def test_console_post_without_csrf_token_is_refused(app, method, path):
    client, _ = _client(app, "lead")
    response = client.post(path, data={"csrf": "forged"})
    assert response.status_code == 403 and "csrf_failed" in response.text


def test_forged_session_cookie_is_not_a_session(app):
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("ql_session", "eyJ1aWQiOjF9.forged.sig")
    assert client.get("/console").status_code == 303


@pytest.mark.parametrize("method,path", API_ROUTES)
def test_review_api_routes_need_an_api_key(app, method, path):
    response = TestClient(app).request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401


def test_public_report_form_needs_the_token_its_page_issued(app):
    client = TestClient(app, follow_redirects=False)
    data = {"target_kind": "content", "target_id": "a", "reason": "porn"}
    assert client.post("/report", data={**data, "form_token": "1.forged.abc"}).status_code == 403
    assert client.post("/report", data=data).status_code == 403


def test_report_endpoint_rate_limits_with_a_clear_message(app):
    client = TestClient(app)
    limit = app.state.runtime.settings.review.report_limit_per_ip_hour
    seed_articles(app.state.runtime.sessions, [*(f"t{n}" for n in range(limit + 1)), "late"])
    codes = [client.post("/v1/reports", data={"target_kind": "content", "target_id": f"t{n}", "reason": "porn"})
             .status_code for n in range(limit + 1)]
    last = client.post("/v1/reports", data={"target_kind": "content", "target_id": "late", "reason": "porn"})
    assert codes[:limit] == [201] * limit and last.status_code == 429
    assert last.json()["error"]["code"] == "report_rate_limited"


def test_upload_that_is_not_an_image_is_refused_by_the_safe_image_path(tmp_path):
    client = TestClient(create_app(fresh_settings(tmp_path)))
    response = client.post("/v1/reports", data={"target_kind": "content", "target_id": "x", "reason": "porn"},
                           files={"screenshots": ("a.png", b"<?php evil ?>", "image/png")})
    assert response.status_code == 422 and response.json()["error"]["code"].startswith("image_")


def test_language_toggle_switches_to_english_and_never_redirects_off_site(app):
    client = TestClient(app, follow_redirects=False)
    assert client.get("/lang?to=en&next=//evil.example/x").headers["location"] == "/report"
    client.cookies.set("ql_lang", "en")
    assert "Report a violation" in client.get("/report").text


def test_console_pages_refuse_framing_and_the_report_page_allows_it(app):
    client, _ = _client(app, "rev")
    assert "frame-ancestors 'none'" in client.get("/console").headers["content-security-policy"]
    assert "frame-ancestors *" in TestClient(app).get("/report").headers["content-security-policy"]
