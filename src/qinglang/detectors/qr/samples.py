"""Synthetic WeChat-style images for tests and benchmarks: posters with Chinese text and a QR code, small and
rotated codes, long screenshots. Needs the dev dependency ``segno``; never used at screening time."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
LINES = ("扫码进群 领取福利", "长按识别二维码 加好友", "更多精彩内容 请关注公众号", "限时免费 名额有限")


def _font(size: int):
    for path in _FONT_CANDIDATES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def qr_image(payload: str, module_px: int = 6, border: int = 4) -> Image.Image:
    import segno

    buf = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buf, kind="png", scale=module_px, border=border)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def poster(
    payload: str | None,
    size: tuple[int, int] = (750, 1000),
    qr_px: int = 220,
    angle: float = 0.0,
    seed: int = 0,
    position: tuple[int, int] | None = None,
) -> Image.Image:
    """A poster: coloured background, Chinese lines of text, and (when ``payload``) a QR code of ``qr_px``."""
    rng = random.Random(seed)
    img = Image.new("RGB", size, tuple(rng.randrange(180, 256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    font = _font(max(14, size[0] // 20))
    for i, line in enumerate(LINES):
        draw.text((size[0] // 12, size[1] // 14 + i * size[1] // 12), line, fill=(rng.randrange(80), 0, 0), font=font)
    if payload is not None:
        code = qr_image(payload)
        code = code.resize((qr_px, qr_px), Image.Resampling.NEAREST)
        if angle:
            code = code.rotate(angle, expand=True, fillcolor=(255, 255, 255))
        x, y = position or ((size[0] - code.width) // 2, size[1] - code.height - size[1] // 10)
        img.paste(code, (x, y))
    return img


def to_bytes(img: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()
