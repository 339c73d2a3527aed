"""Enabled URL fetching against a local HTTP server (address checks bypassed only for this loopback server):
a 200 image decodes, redirects are not followed, and oversized bodies are cut off."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from qinglang.imaging import ImageError, ImageLimits, load_image
from qinglang.imaging import fetch as fetch_module

_PNG = io.BytesIO()
Image.new("RGB", (32, 16), "green").save(_PNG, "PNG")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server interface
        if self.path == "/redirect.png":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()
            return
        body = _PNG.getvalue() if self.path == "/ok.png" else b"\x89PNG" + b"0" * 5000
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        if self.path != "/chunked.png":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(fetch_module, "resolve_public", lambda url: ("images.example", "127.0.0.1", port))
    yield f"http://images.example:{port}"
    httpd.shutdown()
    httpd.server_close()


def test_enabled_fetch_decodes_an_image_from_the_checked_address(server):
    decoded = load_image(f"{server}/ok.png", limits=ImageLimits(fetch_urls=True))
    assert (decoded.width, decoded.height) == (32, 16)


def test_redirects_are_refused_not_followed(server):
    with pytest.raises(ImageError) as info:
        load_image(f"{server}/redirect.png", limits=ImageLimits(fetch_urls=True))
    assert info.value.code == "image_fetch_refused" and "302" in info.value.message


@pytest.mark.parametrize("path", ["/big.png", "/chunked.png"])
def test_oversized_bodies_are_cut_off(server, path):
    with pytest.raises(ImageError) as info:
        load_image(f"{server}{path}", limits=ImageLimits(fetch_urls=True, max_bytes=1000))
    assert info.value.code == "image_too_large"
