"""Safe image decoding: hostile images give a per-image error with a stable code, never a crash or a huge
allocation; GIF frames are sampled; long images are tiled; URL fetching is off by default and SSRF-safe."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from qinglang.imaging import ImageError, ImageLimits, decode_bytes, load_image, split_tiles
from qinglang.imaging.fetch import is_public_address, resolve_public


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\x00" * 64)
    body = struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return b"\x89PNG\r\n\x1a\n" + chunk + body + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _encoded(img: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def _code(data: bytes, ref: str = "x.png", limits: ImageLimits | None = None) -> str:
    with pytest.raises(ImageError) as info:
        decode_bytes(data, ref, limits)
    assert ref in info.value.message
    return info.value.code


def test_png_bomb_header_is_refused_before_decoding_without_allocating():
    tracemalloc.start()
    try:
        assert _code(_png_header(100_000, 100_000)) == "image_too_large"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_ten_thousand_square_pixels_is_too_large():
    assert _code(_png_header(10_000, 10_000)) == "image_too_large"


def test_pixel_cap_is_configurable():
    small = _encoded(Image.new("RGB", (300, 300)), "PNG")
    assert _code(small, limits=ImageLimits(max_pixels=200 * 200)) == "image_too_large"


def test_zero_bytes_is_empty():
    assert _code(b"") == "image_empty"


def test_text_file_named_png_is_not_an_allowed_format():
    assert _code("这不是图片, just text".encode()) == "image_format_not_allowed"


def test_tiff_is_not_an_allowed_format():
    assert _code(_encoded(Image.new("RGB", (8, 8)), "TIFF"), "a.tif") == "image_format_not_allowed"


def test_truncated_jpeg_is_corrupt():
    data = _encoded(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG")
    assert _code(data[: len(data) // 2], "cut.jpg") == "image_corrupt"


def test_byte_cap_is_checked_first():
    assert _code(b"\x89PNG" + b"0" * 2000, limits=ImageLimits(max_bytes=1000)) == "image_too_large"


def test_wrong_extension_still_decodes_by_content():
    decoded = decode_bytes(_encoded(Image.new("RGB", (20, 10), "red"), "JPEG"), "really_a_jpeg.png")
    assert (decoded.format, decoded.width, decoded.height) == ("JPEG", 20, 10)


def test_animated_gif_frames_are_sampled_up_to_the_cap():
    frames = [Image.new("RGB", (16, 16), (i * 12, 0, 255 - i * 12)) for i in range(20)]
    data = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    decoded = decode_bytes(data, "anim.gif", ImageLimits(max_frames=4))
    assert decoded.n_frames == 20
    assert len(decoded.frames) == 4
    assert all(f.mode == "RGB" for f in decoded.frames)


def test_transparent_png_is_flattened_on_white():
    img = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    decoded = decode_bytes(_encoded(img, "PNG"), "t.png")
    assert decoded.image.getpixel((0, 0)) == (255, 255, 255)


def test_long_image_is_split_into_overlapping_tiles_covering_it():
    tiles = split_tiles(Image.new("RGB", (400, 3000)))
    assert len(tiles) > 1
    assert tiles[0][:2] == (0, 0)
    assert tiles[-1][1] + tiles[-1][2].height == 3000
    assert all(b[1] - a[1] < 400 for a, b in zip(tiles, tiles[1:], strict=False))


def test_normal_image_is_one_tile():
    assert len(split_tiles(Image.new("RGB", (800, 600)))) == 1


def test_url_is_not_fetched_unless_enabled():
    with pytest.raises(ImageError) as info:
        load_image("https://example.com/a.png")
    assert info.value.code == "image_fetch_disabled"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://10.1.2.3/a.png",
        "http://169.254.169.254/latest",
        "http://[::1]/a.png",
        "http://localhost:8000/a.png",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "http://0.0.0.0/",
    ],
)
def test_fetch_refuses_private_loopback_and_non_http_addresses(url):
    with pytest.raises(ImageError) as info:
        resolve_public(url)
    assert info.value.code == "image_fetch_refused"


def test_enabled_fetch_still_refuses_loopback():
    with pytest.raises(ImageError) as info:
        load_image("http://127.0.0.1:9/x.png", limits=ImageLimits(fetch_urls=True))
    assert info.value.code == "image_fetch_refused"


def test_public_address_check():
    assert is_public_address("93.184.216.34")
    assert not is_public_address("::ffff:127.0.0.1")
    assert not is_public_address("192.168.1.1")


def test_missing_local_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImageError) as info:
        load_image(str(tmp_path / "nope.png"))
    assert info.value.code == "image_not_found"


def test_local_path_is_decoded(tmp_path):
    path = tmp_path / "a.webp"
    path.write_bytes(_encoded(Image.new("RGB", (30, 20), "blue"), "WEBP"))
    assert load_image(str(path)).format == "WEBP"


@given(st.integers(1, 400), st.integers(1, 4000))
def test_tiles_are_squares_of_the_short_side_covering_the_long_side(short, long):
    from qinglang.imaging.tiles import split_tiles as tiles_of

    for img in (Image.new("L", (short, long)), Image.new("L", (long, short))):
        tiles = tiles_of(img)
        covered = sorted((max(dx, dy), max(dx, dy) + max(t.size)) for dx, dy, t in tiles)
        assert covered[0][0] == 0 and covered[-1][1] == max(img.size)
        assert all(a[1] >= b[0] for a, b in zip(covered, covered[1:], strict=False))
