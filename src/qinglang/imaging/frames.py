"""Count an animation's frames, and find how large its canvas gets, without decoding a pixel.

Why not ask Pillow? For a GIF, ``Image.n_frames`` walks the whole file in Python, one step per frame, with no
upper bound: a 20 MB file of one-pixel frames holds about a million of them. And Pillow grows a GIF's canvas
when a later frame reaches past the logical screen, so the size read from the header is not the size that
gets decoded: a 1x1 GIF whose second frame is 9000x9000 passes a header check and then allocates 81 million
pixels. :func:`scan_gif` reads the block structure itself (a few bytes per 255-byte sub-block), stops after
``cap`` frames, and reports the largest canvas any of those frames needs.

Other formats declare both in their header (APNG's ``acTL`` chunk, WebP's ``ANIM`` chunk, a fixed canvas), so
for them Pillow's answer is cheap and final.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

_TRAILER, _IMAGE, _EXTENSION = 0x3B, 0x2C, 0x21


@dataclass(frozen=True, slots=True)
class FrameScan:
    """What decoding up to ``frames`` frames involves: that many frames, on a canvas of ``width`` x ``height``.
    ``frames`` is the true count when it is below the cap the scan was given, else the cap."""

    frames: int
    width: int
    height: int


def scan_frames(img: Image.Image, data: bytes, cap: int) -> FrameScan:
    """The frames (at most ``cap``) and the canvas of an opened image, whatever its format."""
    if img.format == "GIF":
        return scan_gif(data, cap)
    return FrameScan(min(getattr(img, "n_frames", 1), cap), img.width, img.height)


def scan_gif(data: bytes, cap: int) -> FrameScan:
    """Walk a GIF's blocks: the logical screen, then image descriptors (counted) and extensions (skipped), until
    the trailer, the end of the data, or ``cap`` frames. A truncated file yields what was read before the cut."""
    width, height = _u16(data, 6), _u16(data, 8)
    pos = _skip_colour_table(data, 13, data[10] if len(data) > 10 else 0)
    frames = 0
    while pos < len(data) and frames < cap:
        block = data[pos]
        if block == _IMAGE and pos + 10 <= len(data):
            right, bottom, flags = _descriptor(data, pos)
            width, height = max(width, right), max(height, bottom)
            frames += 1
            pos = _skip_sub_blocks(data, _skip_colour_table(data, pos + 10, flags) + 1)  # +1: LZW code size
        elif block == _EXTENSION:
            pos = _skip_sub_blocks(data, pos + 2)  # +2: introducer and label
        else:  # the trailer, or bytes that are not a block: nothing more to count
            break
    return FrameScan(max(frames, 1), width, height)


def _descriptor(data: bytes, pos: int) -> tuple[int, int, int]:
    """An image descriptor's right and bottom edges on the canvas, and its packed flags."""
    left, top, w, h = (_u16(data, pos + offset) for offset in (1, 3, 5, 7))
    return left + w, top + h, data[pos + 9]


def _u16(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 2], "little") if pos + 2 <= len(data) else 0


def _skip_colour_table(data: bytes, pos: int, flags: int) -> int:
    """Past the colour table that ``flags`` (a packed field) announces, if any: 3 x 2^(n+1) bytes."""
    return pos + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0)


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """Past a chain of data sub-blocks (each a length byte and that many bytes) and its zero terminator."""
    while pos < len(data):
        size = data[pos]
        pos += 1 + size
        if size == 0:
            break
    return pos
