"""Image references accepted over the API: URLs and data URIs, never server paths."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.errors import InvalidInput
from qinglang.services.images import image_label, remote_image_refs


@given(st.binary(max_size=200))
def test_data_uri_carries_its_bytes_and_is_labelled_by_their_hash(data):
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    (ref,) = remote_image_refs([uri])
    assert ref.data == data
    assert ref.ref == image_label(uri) == "data:sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("ref", ["/etc/passwd", "relative/x.png", "file:///etc/passwd", "ftp://x/y.png"])
def test_anything_but_http_or_data_is_refused(ref):
    with pytest.raises(InvalidInput) as caught:
        remote_image_refs([ref])
    assert caught.value.code == "image_ref_refused"


def test_urls_pass_through_without_bytes():
    (ref,) = remote_image_refs(["HTTPS://img.example/a.png"])
    assert (ref.ref, ref.data) == ("HTTPS://img.example/a.png", None)
