"""Image references accepted over the network: http(s) URLs and ``data:`` URIs, never server-local paths.

Local paths are for the batch CLI (``qinglang screen``) on the operator's own files; letting an API caller
name one would let them make the server read its own files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence

from qinglang.domain.model import ImageRef
from qinglang.errors import InvalidInput


def image_label(ref: str) -> str:
    """What is stored and shown for a reference: a data URI becomes ``data:sha256:<hex>``, URLs stay."""
    if ref.startswith("data:"):
        return "data:sha256:" + hashlib.sha256(_data_bytes(ref)).hexdigest()
    return ref


def remote_image_refs(refs: Sequence[str]) -> tuple[ImageRef, ...]:
    """Image references for screening; refuses anything that is not an http(s) URL or a base64 data URI."""
    out = []
    for ref in refs:
        if ref.startswith("data:"):
            out.append(ImageRef(ref=image_label(ref), data=_data_bytes(ref)))
        elif ref.lower().startswith(("http://", "https://")):
            out.append(ImageRef(ref=ref))
        else:
            raise InvalidInput(
                f"image {ref[:80]!r} is neither an http(s) URL nor a data: URI; send the image bytes as "
                "data:image/png;base64,...",
                code="image_ref_refused",
            )
    return tuple(out)


def _data_bytes(ref: str) -> bytes:
    header, sep, payload = ref.partition(",")
    if not sep or not header.endswith(";base64"):
        raise InvalidInput("a data: image must be base64 (data:image/png;base64,...)", code="invalid_image_data")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("the data: image is not valid base64", code="invalid_image_data") from None
