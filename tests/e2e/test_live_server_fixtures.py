"""The e2e fixtures themselves: the app served on loopback, and Debian's chromium driving it."""

from __future__ import annotations

import pytest


def test_live_server_answers_health_checks_on_loopback(live_server):
    with live_server.client(timeout=10) as client:
        response = client.get("/healthz")
    assert live_server.url.startswith("http://127.0.0.1:")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.browser
def test_headless_chromium_renders_the_api_docs(live_server, page):
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector("#swagger-ui", state="attached", timeout=15_000)
    assert "qinglang" in page.title()
