"""Safe image decoding: byte and pixel caps checked before decoding, allow-listed formats, GIF frame sampling,
tiling of long images, and SSRF-safe fetching (off by default). Pure: no web or database framework."""

from qinglang.imaging.decode import (
    ALLOWED_FORMATS,
    DecodedImage,
    DecodePlan,
    ImageError,
    ImageLimits,
    decode_bytes,
    load_image,
    plan_decode,
)
from qinglang.imaging.tiles import split_tiles

__all__ = [
    "ALLOWED_FORMATS",
    "DecodePlan",
    "DecodedImage",
    "ImageError",
    "ImageLimits",
    "decode_bytes",
    "load_image",
    "plan_decode",
    "split_tiles",
]
