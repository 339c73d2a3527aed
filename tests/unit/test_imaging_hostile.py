"""Hostile images are refused or cut down from their headers, before their pixels cost time or memory.

The images are generated here and kept small on disk: a GIF of one colour compresses to almost nothing however
large its canvas, so the probe's 6000x6000x8 GIF is about 200 KB and built in a third of a second. Most tests
scale the limits down with the images, so that decoding stays cheap while the arithmetic is the same.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from qinglang.imaging import ImageError, ImageLimits, decode_bytes, load_image, plan_decode
from qinglang.imaging import decode as decode_module
from qinglang.imaging.frames import scan_gif


def _gif_parts(img: Image.Image) -> tuple[bytes, bytes]:
    """Pillow's GIF of ``img`` as (header with logical screen and global colour table, one frame block)."""
    buffer = io.BytesIO()
    img.save(buffer, "GIF")
    data = buffer.getvalue()
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    header = data[:pos]
    while data[pos] == 0x21:  # skip extensions Pillow wrote before the frame
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return header, data[pos:-1]  # up to, not including, the trailer


def _animated_gif(size: tuple[int, int], frames: int, colour: int = 3) -> bytes:
    """A GIF of ``frames`` copies of one uniform frame, written block by block (Pillow would merge them)."""
    header, block = _gif_parts(Image.new("P", size, colour))
    return header + block * frames + b";"


def _frame_block(left: int, top: int, width: int, height: int) -> bytes:
    """An image descriptor at (left, top) of width x height with a one-pixel LZW stream (enough to scan)."""
    descriptor = b"," + b"".join(v.to_bytes(2, "little") for v in (left, top, width, height)) + b"\x00"
    return descriptor + b"\x02\x02\x4c\x01\x00"


def _decode(data: bytes, **limits) -> object:
    return decode_bytes(data, "hostile.gif", ImageLimits(**limits))


def _refused(data: bytes, **limits) -> ImageError:
    with pytest.raises(ImageError) as info:
        _decode(data, **limits)
    assert "hostile.gif" in info.value.message
    return info.value


def test_the_probe_gif_plans_one_frame_not_eight_under_the_default_limits():
    """The issue's probe: 6000x6000 pixels x 8 frames; decoding all of it took 288 million pixel-steps."""
    data = _animated_gif((6000, 6000), 8)
    img = Image.open(io.BytesIO(data))
    plan = plan_decode(img, data, "probe.gif", ImageLimits())
    assert plan.frames_seen == 1  # counting stopped where the budget ends: one 36-megapixel frame
    assert plan.indices == (0,)
    assert plan.pixel_time <= ImageLimits().max_decoded_pixels
    assert plan.memory_bytes <= ImageLimits().max_memory_bytes


def test_frames_are_sampled_only_among_those_the_pixel_time_budget_reaches():
    data = _animated_gif((600, 600), 8)
    decoded = _decode(data, max_decoded_pixels=3 * 600 * 600)
    assert len(decoded.frames) == 3
    img = Image.open(io.BytesIO(data))
    plan = plan_decode(img, data, "x", ImageLimits(max_decoded_pixels=3 * 600 * 600, max_frames=2))
    assert max(plan.indices) < 3 and len(plan.indices) == 2
    assert plan.pixel_time <= 3 * 600 * 600


def test_a_frame_over_the_pixel_time_budget_alone_is_refused():
    assert _refused(_animated_gif((600, 600), 2), max_decoded_pixels=100_000).code == "image_too_large"


def test_the_memory_cap_keeps_fewer_frames():
    data = _animated_gif((500, 500), 6)
    pixels = 500 * 500
    working = pixels * (1 + 4)  # a palette frame plus one conversion buffer
    decoded = _decode(data, max_memory_bytes=working + 2 * 3 * pixels)
    assert len(decoded.frames) == 2


def test_an_image_whose_first_frame_needs_more_memory_than_the_cap_is_refused():
    error = _refused(_animated_gif((500, 500), 1), max_memory_bytes=1_000_000)
    assert error.code == "image_too_large" and "MB" in error.message


def test_a_later_frame_that_grows_the_canvas_past_the_cap_is_refused_before_decoding():
    header, first = _gif_parts(Image.new("P", (10, 10), 1))
    data = header + first + _frame_block(0, 0, 9000, 9000) + b";"  # 81 million pixels, a few bytes on disk
    assert Image.open(io.BytesIO(data)).size == (10, 10)  # what the header says
    error = _refused(data)
    assert error.code == "image_too_large" and "9000x9000" in error.message


def test_a_million_tiny_frames_are_counted_only_as_far_as_the_budget_reaches():
    header, _ = _gif_parts(Image.new("P", (1, 1), 1))
    data = header + _frame_block(0, 0, 1, 1) * 200_000 + b";"  # 2.2 MB of one-pixel frames
    limits = ImageLimits()
    decoded = decode_bytes(data, "tiny.gif", limits)
    reach = limits.max_decoded_pixels // decode_module.MIN_FRAME_COST
    assert decoded.n_frames == reach  # the scan stopped there; it did not walk 200,000 frames
    assert len(decoded.frames) == limits.max_frames


@settings(max_examples=25)
@given(st.integers(1, 12), st.integers(1, 40), st.integers(1, 40))
def test_gif_scan_counts_the_frames_pillow_finds(frames, width, height):
    images = [Image.new("P", (width, height), i) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], disposal=1)
    data = buffer.getvalue()
    pillow = Image.open(io.BytesIO(data))
    scan = scan_gif(data, cap=1000)
    assert (scan.frames, scan.width, scan.height) == (pillow.n_frames, width, height)
    assert scan_gif(data, cap=2).frames == min(2, pillow.n_frames)


def test_truncated_gif_scan_counts_what_was_read():
    data = _animated_gif((20, 20), 5)
    assert 1 <= scan_gif(data[: len(data) // 2], cap=100).frames < 5


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_apng_and_animated_webp_frames_are_capped_by_the_budget_too(fmt):
    frames = [Image.new("RGB", (300, 300), (i * 8, 0, 0)) for i in range(30)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=40)
    decoded = decode_bytes(buffer.getvalue(), f"anim.{fmt}", ImageLimits(max_decoded_pixels=5 * 300 * 300))
    assert decoded.n_frames == 5 and len(decoded.frames) == 5


def test_gif_transparency_is_flattened_on_white_as_before():
    img = Image.new("P", (8, 8), 0)
    img.putpalette([10, 20, 30] + [200, 0, 0] * 255)
    img.putpixel((1, 1), 1)
    buffer = io.BytesIO()
    img.save(buffer, "GIF", transparency=0)
    frame = decode_bytes(buffer.getvalue(), "t.gif").image
    assert frame.getpixel((0, 0)) == (255, 255, 255)
    assert frame.getpixel((1, 1)) == (200, 0, 0)


def test_the_decode_cache_is_bounded_by_bytes_not_by_count(monkeypatch):
    monkeypatch.setattr(decode_module, "CACHE_BYTES", 3 * 100 * 100 * 3)
    monkeypatch.setattr(decode_module, "_CACHE", type(decode_module._CACHE)())
    monkeypatch.setattr(decode_module, "_cached_bytes", 0)
    for shade in range(10):
        buffer = io.BytesIO()
        Image.new("RGB", (100, 100), (shade, 0, 0)).save(buffer, "PNG")
        load_image(f"img{shade}.png", buffer.getvalue())
    assert decode_module._cached_bytes <= decode_module.CACHE_BYTES
    assert len(decode_module._CACHE) == 3
    big = io.BytesIO()
    Image.new("RGB", (200, 200)).save(big, "PNG")
    load_image("big.png", big.getvalue())  # larger than the whole cache: decoded, not kept
    assert all(key[0] != "big.png" for key in decode_module._CACHE)
