"""/docs and /redoc work on a network without internet access: every asset they load comes from the app, and
the page's Content-Security-Policy allows nothing else. Checked twice: by reading the HTML, and in Chromium
with every request outside the app aborted, where Swagger UI must still render all the operations."""

from __future__ import annotations

import re

import pytest
from hostile_support import openapi_spec
from starlette.testclient import TestClient

from qinglang.api.app import create_app
from qinglang.config import Settings

_ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(Settings(), runtime=object()))  # the pages touch no database


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_page_loads_its_assets_from_the_app_itself(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assets = _ASSET.findall(response.text)
    assert len(assets) >= 2
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 500, url
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp
    assert "http" not in csp  # no outside origin is allowed for anything


def test_the_openapi_spec_and_the_favicon_are_served(client):
    assert client.get("/openapi.json").json()["paths"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG")


def test_an_unknown_asset_is_not_found_and_no_path_escapes(client):
    for name in ("nope.js", "..%2F..%2Fapp.py", "%2e%2e%2fpyproject.toml"):
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def _operations() -> int:
    return sum(len(item) for item in openapi_spec()["paths"].values())


@pytest.mark.browser
def test_swagger_ui_renders_every_operation_with_the_internet_cut_off(live_server, page):
    outside, violations = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def only_the_app(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_app)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() == _operations()
    assert page.locator(".opblock-summary-path", has_text="/v1/screen").count() == 1
    assert outside == [] and violations == []


@pytest.mark.browser
def test_redoc_renders_the_reference_with_the_internet_cut_off(live_server, page):
    outside = []

    def only_the_app(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_app)
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("[data-section-id]", timeout=30_000)
    assert page.locator("h2", has_text="Screen one item").count() >= 1
    # ReDoc's sidebar shows a "powered by" logo from its CDN; the CSP blocks it before any request is made
    assert outside == []
