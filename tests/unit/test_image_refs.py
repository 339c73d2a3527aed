"""Image references accepted over the API: URLs and data URIs of real web images, never server paths."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from qinglang.errors import InvalidInput
from qinglang.services.images import image_label, remote_image_refs

FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


def _image_bytes(fmt: str, size: tuple[int, int] = (3, 2), colour: tuple[int, int, int] = (200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def _uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode()


@given(
    st.sampled_from(sorted(FORMATS)),
    st.tuples(st.integers(1, 40), st.integers(1, 40)),
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)),
)
def test_data_uri_carries_its_bytes_and_is_labelled_by_their_hash(subtype, size, colour):
    data = _image_bytes(FORMATS[subtype], size, colour)
    uri = _uri(f"image/{subtype}", data)
    (ref,) = remote_image_refs([uri])
    assert ref.data == data
    assert ref.ref == image_label(uri) == "data:sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "uri",
    [
        _uri("text/html", b"<script>alert(1)</script>"),
        _uri("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        _uri("image/bmp", _image_bytes("BMP")),  # a format Pillow reads, but not one of the four web types
        _uri("image/png", b"<html><body>not a png</body></html>"),
        _uri("image/png", _image_bytes("GIF")),  # an image, but not the type it claims
        _uri("image/jpeg", b"\xff\xd8\xff" + b"\x00" * 40),  # JPEG magic, no parsable header
        "data:image/png," + base64.b64encode(_image_bytes("PNG")).decode(),  # not base64-flagged
        "data:image/png;base64,@@@",
    ],
)
def test_data_uri_that_is_not_really_a_web_image_is_refused(uri):
    with pytest.raises(InvalidInput) as caught:
        remote_image_refs([uri])
    assert caught.value.code == "invalid_image_data"
    assert "data:" in caught.value.message


@pytest.mark.parametrize("ref", ["/etc/passwd", "relative/x.png", "file:///etc/passwd", "ftp://x/y.png"])
def test_anything_but_http_or_data_is_refused(ref):
    with pytest.raises(InvalidInput) as caught:
        remote_image_refs([ref])
    assert caught.value.code == "image_ref_refused"


def test_urls_pass_through_without_bytes():
    (ref,) = remote_image_refs(["HTTPS://img.example/a.png"])
    assert (ref.ref, ref.data) == ("HTTPS://img.example/a.png", None)
