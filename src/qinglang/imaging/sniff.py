"""Is this really an image of the type it claims? Read the magic bytes, then let Pillow parse the header.

A ``data:`` URI names its media type, and nothing stops a caller from sending ``data:text/html`` or an HTML
page labelled ``data:image/png``. Only the four web image types are accepted over the API, and the bytes must
start like that type and carry a header Pillow can parse as it. Nothing is decoded here: the pixels are left
to :func:`qinglang.imaging.decode_bytes`, with its size, frame and memory caps.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

DATA_URI_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
"""The media types a data URI may declare, and the Pillow format each must parse as."""

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))


def sniff_format(data: bytes) -> str | None:
    """The format the first bytes announce (``PNG``, ``JPEG``, ``GIF``, ``WEBP``), or ``None``."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)


def format_fault(data: bytes, media_type: str) -> str | None:
    """Why ``data`` is not an image of ``media_type`` (e.g. ``image/png``), or ``None`` when it is one."""
    expected = DATA_URI_TYPES.get(media_type.lower())
    if expected is None:
        return f"the media type {media_type!r} is not one of {', '.join(DATA_URI_TYPES)}"
    found = sniff_format(data)
    if found != expected:
        return f"it is declared {media_type} but its bytes are {'not an image' if found is None else found}"
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as img:
            width, height = img.size
    except Image.DecompressionBombError:
        return None  # the type it claims, only far too large: the decoder refuses that per image (image_too_large)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return f"its {expected} header cannot be read ({type(exc).__name__})"
    if width <= 0 or height <= 0:
        return f"its {expected} header declares a size of {width}x{height}"
    return None
