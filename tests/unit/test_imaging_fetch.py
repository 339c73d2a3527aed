"""Enabled URL fetching against a local HTTP server. The server is on loopback, which the real rules refuse,
so these tests resolve ``images.example`` to it and allow exactly that one address; every other address meets
the real check. Covered: a 200 image decodes; a redirect is followed only to a public address, each hop
checked and pinned; redirect chains, slow bodies and oversized bodies are cut off."""

from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from qinglang.imaging import ImageError, ImageLimits, load_image
from qinglang.imaging import fetch as fetch_module

_PNG = io.BytesIO()
Image.new("RGB", (32, 16), "green").save(_PNG, "PNG")
_REDIRECTS = {
    "/to-metadata.png": "http://169.254.169.254/latest/meta-data",
    "/to-private-name.png": "http://intranet.example/secret.png",
    "/to-ok.png": "/ok.png",
    "/loop.png": "/loop.png",
}


class _Handler(BaseHTTPRequestHandler):
    seen_hosts: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server interface
        self.seen_hosts.append(self.headers.get("Host", ""))
        if self.path in _REDIRECTS:
            self.send_response(302)
            self.send_header("Location", _REDIRECTS[self.path])
            self.end_headers()
            return
        if self.path == "/slow.png":
            return self._trickle()
        body = _PNG.getvalue() if self.path == "/ok.png" else b"\x89PNG" + b"0" * 5000
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        if self.path != "/chunked.png":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"0")
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    names = {"images.example": ["127.0.0.1"], "intranet.example": ["10.0.0.7"]}
    real_check = fetch_module.is_public_address
    monkeypatch.setattr(fetch_module, "system_resolve", lambda host, _port: names.get(host) or [host])
    monkeypatch.setattr(fetch_module, "is_public_address", lambda a: a == "127.0.0.1" or real_check(a))
    _Handler.seen_hosts = []
    yield f"http://images.example:{port}"
    httpd.shutdown()
    httpd.server_close()


def _refusal(url: str, **limits) -> ImageError:
    with pytest.raises(ImageError) as info:
        load_image(url, limits=ImageLimits(fetch_urls=True, **limits))
    return info.value


def test_enabled_fetch_decodes_an_image_from_the_checked_address(server):
    decoded = load_image(f"{server}/ok.png", limits=ImageLimits(fetch_urls=True))
    assert (decoded.width, decoded.height) == (32, 16)
    assert _Handler.seen_hosts == [server.removeprefix("http://")]  # pinned to the IP, named in Host


def test_redirect_to_a_checked_address_is_followed(server):
    assert load_image(f"{server}/to-ok.png", limits=ImageLimits(fetch_urls=True)).width == 32


@pytest.mark.parametrize("path", ["/to-metadata.png", "/to-private-name.png"])
def test_redirect_to_a_private_address_is_refused_at_that_hop(server, path):
    error = _refusal(f"{server}{path}")
    assert error.code == "image_fetch_refused" and "private" in error.message


def test_redirect_loop_stops_after_the_limit(server):
    error = _refusal(f"{server}/loop.png")
    assert error.code == "image_fetch_refused" and "redirects" in error.message


def test_a_body_trickled_past_the_time_limit_is_cut_off(server):
    error = _refusal(f"{server}/slow.png", fetch_timeout_s=1.0)
    assert error.code == "image_fetch_refused" and "slowly" in error.message


@pytest.mark.parametrize("path", ["/big.png", "/chunked.png"])
def test_oversized_bodies_are_cut_off(server, path):
    assert _refusal(f"{server}{path}", max_bytes=1000).code == "image_too_large"
