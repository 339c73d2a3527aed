"""Inverted (light-on-dark) and normal QR codes on rough backgrounds: which ones the decoder reads, which ones the
noise check refuses, and which ones only zxing's retry on the inverted image reads (seeded, reproducible).

The question it answers: may the first zxing pass skip its inverted retry on an image that is noise? That retry
is about 4.4 ms per megapixel on every code-less image, and the only code it reads is a light-on-dark one.

Images: 1000x1000, a background of Gaussian grey-level noise around 128 (``SIGMAS``, the same kind of image as the
bench's noise images, which are ``Image.effect_noise`` at 40-85), one code of ``CODE_PX`` pixels pasted at a
seeded place, in both polarities, and over the code the same noise at a fraction of the background's
(``CODE_NOISE``: 0 is a clean code pasted on the texture, 1 the same noise over everything); each image as it is
and saved as JPEG (``JPEG``).

Per image (one JSON line with ``--rows``, then the totals by polarity and noise level):
  read        ``decode_qr`` (with the WeChat decoder) returns the payload
  refused     the noise check (``decode._noise_like``) refuses the image
  rough       the median step on every fourth full-resolution row is over ``NOISE_SURE`` (sure noise)
  rescued     read, but not by zxing's first pass without the inverted retry (only that retry reads it)
  plain       the decoder skips that retry here (``decode._plain_noise``: sure noise, every cell alike)

Usage: python scripts/eval_qr_inverted_noise.py [SEED] [--rows]
"""

from __future__ import annotations

import io
import json
import random
import sys
from collections import Counter

import numpy as np
from PIL import Image, ImageOps

from qinglang.detectors.qr import decode
from qinglang.detectors.qr.samples import qr_image

SIDE = 1000
SIGMAS = (10, 20, 30, 40, 55, 70, 85)  # background noise, grey levels (standard deviation)
CODE_PX = (50, 70, 100, 140, 200, 300, 450, 700, 1000)  # the code's side with its quiet zone
CODE_NOISE = (0.0, 0.25, 0.5, 1.0)  # noise over the code, as a fraction of the background's
JPEG = (None, 50)  # saved as it is, or as JPEG of this quality
PAYLOAD = "https://weixin.qq.com/g/{}"


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    return rng.normal(0.0, sigma, shape)


def make_image(
    seed: int, sigma: float, code_px: int, code_noise: float, inverted: bool, jpeg: int | None = None
) -> tuple[Image.Image, str]:
    """One 1000x1000 grey image with one code, and its payload; the same arguments give the same pixels (the
    JPEG copy is drawn like the plain one, then compressed)."""
    rnd = random.Random(f"{seed}-{sigma}-{code_px}-{code_noise}-{inverted}")
    rng = np.random.default_rng(rnd.randrange(2**32))
    payload = PAYLOAD.format("".join(rnd.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(22)))
    code = qr_image(payload, module_px=6, border=4).convert("L").resize((code_px, code_px), Image.Resampling.NEAREST)
    if inverted:
        code = ImageOps.invert(code)
    canvas = 128.0 + _noise(rng, (SIDE, SIDE), sigma)
    x, y = rnd.randrange(SIDE - code_px + 1), rnd.randrange(SIDE - code_px + 1)
    patch = np.asarray(code, dtype=np.float64) + _noise(rng, (code_px, code_px), sigma * code_noise)
    canvas[y : y + code_px, x : x + code_px] = patch
    img = Image.fromarray(np.clip(canvas, 0, 255).round().astype(np.uint8)).convert("RGB")
    if jpeg is not None:
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=jpeg)
        img = Image.open(buffer).convert("RGB")
    return img, payload


def measure(img: Image.Image, payload: str, wechat) -> dict:
    gray = np.asarray(img.convert("L"))
    read = payload in [c.payload for c in decode.decode_qr(img, wechat)]
    codes, _ = decode._zxing_seen(gray, "zxing", try_invert=False)
    step = decode._rows_step(gray)
    return {
        "read": read,
        "refused": decode._noise_like(gray),
        "rough": step > decode.NOISE_SURE,
        "rescued": read and payload not in [c.payload for c in codes],
        "plain": decode._plain_noise(gray),
        "step": step,
    }


def cases(seed: int):
    for sigma in SIGMAS:
        for code_px in CODE_PX:
            for code_noise in CODE_NOISE:
                for inverted in (True, False):
                    for jpeg in JPEG:
                        yield {"sigma": sigma, "code_px": code_px, "code_noise": code_noise, "inverted": inverted,
                               "jpeg": jpeg}


def main(seed: int, rows: bool) -> None:
    wechat = decode.WeChatDecoder()
    totals: Counter = Counter()
    for case in cases(seed):
        img, payload = make_image(seed, **case)
        row = case | measure(img, payload, wechat)
        if rows:
            print(json.dumps(row))
        key = ("inverted" if case["inverted"] else "normal", f"jpeg {case['jpeg']}", case["sigma"])
        totals[key + ("images",)] += 1
        for name in ("read", "refused", "rough", "rescued", "plain"):
            totals[key + (name,)] += row[name]
        totals[key + ("rescued_and_refused",)] += row["rescued"] and row["refused"]
        totals[key + ("rescued_and_rough",)] += row["rescued"] and row["rough"]
    out: dict = {}
    for (polarity, jpeg, sigma, name), n in sorted(totals.items()):
        out.setdefault(f"{polarity} {jpeg} sigma {sigma}", {})[name] = n
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 7, "--rows" in sys.argv)
