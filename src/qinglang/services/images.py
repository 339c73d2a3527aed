"""Image references accepted over the network: http(s) URLs and ``data:`` URIs, never server-local paths.

Local paths are for the batch CLI (``qinglang screen``) on the operator's own files; letting an API caller
name one would let them make the server read its own files. A data URI must be base64, declare one of the web
image types (``data:image/png|jpeg|gif|webp;base64,...``) and hold bytes that really are that type
(:func:`qinglang.imaging.sniff.format_fault`): ``data:text/html`` or a page relabelled as a PNG is refused
with ``invalid_image_data`` before anything is screened or stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence

from qinglang.domain.model import ImageRef
from qinglang.errors import InvalidInput
from qinglang.imaging.sniff import DATA_URI_TYPES, format_fault

_DATA_HEADER = re.compile(r"data:([\w.+-]+/[\w.+-]+)((?:;[^;,]*)*?);base64", re.IGNORECASE)


def image_label(ref: str) -> str:
    """What is stored and shown for a reference: a data URI becomes ``data:sha256:<hex>``, URLs stay."""
    if ref.startswith("data:"):
        return "data:sha256:" + hashlib.sha256(_payload(ref)).hexdigest()
    return ref


def remote_image_refs(refs: Sequence[str]) -> tuple[ImageRef, ...]:
    """Image references for screening; refuses anything that is not an http(s) URL or a data URI of an image."""
    out = []
    for ref in refs:
        if ref.startswith("data:"):
            data = data_image(ref)
            out.append(ImageRef(ref="data:sha256:" + hashlib.sha256(data).hexdigest(), data=data))
        elif ref.lower().startswith(("http://", "https://")):
            out.append(ImageRef(ref=ref))
        else:
            raise InvalidInput(
                f"image {ref[:80]!r} is neither an http(s) URL nor a data: URI; send the image bytes as "
                "data:image/png;base64,...",
                code="image_ref_refused",
            )
    return tuple(out)


def data_image(ref: str) -> bytes:
    """The bytes of a ``data:image/...;base64,`` URI, checked to be an image of the declared type."""
    media_type = _media_type(ref)
    data = _payload(ref)
    fault = format_fault(data, media_type)
    if fault is not None:
        raise InvalidInput(f"the data: image is refused: {fault}", code="invalid_image_data")
    return data


def _media_type(ref: str) -> str:
    header = _DATA_HEADER.fullmatch(ref.partition(",")[0])
    if header is None or header.group(1).lower() not in DATA_URI_TYPES:
        raise InvalidInput(
            f"a data: image must be data:{{{'|'.join(DATA_URI_TYPES)}}};base64,...; got {ref[:40]!r}",
            code="invalid_image_data",
        )
    return header.group(1)


def _payload(ref: str) -> bytes:
    header, sep, payload = ref.partition(",")
    if not sep or not header.lower().endswith(";base64"):
        raise InvalidInput("a data: image must be base64 (data:image/png;base64,...)", code="invalid_image_data")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("the data: image is not valid base64", code="invalid_image_data") from None
