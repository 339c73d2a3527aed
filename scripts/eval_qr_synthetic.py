"""Decode-and-classify rate of the qr detector on generated WeChat-style images (seeded, reproducible).

Each case draws a realistic payload of one kind (WeChat group/official account/personal, WeCom, mini-program,
QQ, live code), renders a poster or a phone screenshot, applies one degradation, and checks that the detector
reports exactly that payload with the right kind. Negatives: the same backgrounds without a code.
These are synthetic images, not real drainage screenshots: a floor, not a substitute for a held-out set.

Usage: python scripts/eval_qr_synthetic.py [N_PER_CASE] [SEED]
"""

from __future__ import annotations

import json
import random
import string
import sys
from collections import Counter

from PIL import Image, ImageDraw, ImageFilter

from qinglang.detectors.base import PreparedContent
from qinglang.detectors.qr.detector import QrDetector
from qinglang.detectors.qr.samples import poster, qr_image, to_bytes
from qinglang.domain import ContentItem, ImageRef


def _rand(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits + "-_") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


KINDS = {
    "wechat_group": lambda r: f"https://weixin.qq.com/g/{_rand(r, 22)}",
    "wechat_official_account": lambda r: f"http://weixin.qq.com/r/{_rand(r, 20)}",
    "wechat_personal": lambda r: f"https://u.wechat.com/{_rand(r, 24)}",
    "wecom": lambda r: f"https://work.weixin.qq.com/gm/{_rand(r, 32, '0123456789abcdef')}",
    "mini_program": lambda r: f"https://wxaurl.cn/{_rand(r, 12)}",
    "qq": lambda r: f"https://qm.qq.com/cgi-bin/qm/qr?k={_rand(r, 32)}&jump_from=webapi",
    "live_code": lambda r: f"https://qr.cli.im/{_rand(r, 8)}",
}


def _with_logo(img: Image.Image, rng: random.Random) -> Image.Image:
    """A WeChat-style avatar over the centre (about 20% of the side), as real group codes carry."""
    img = img.copy()
    side = img.width // 5
    x = (img.width - side) // 2
    ImageDraw.Draw(img).rounded_rectangle(
        (x, x, x + side, x + side), 8, fill=tuple(rng.randrange(256) for _ in range(3))
    )
    return img


def _screenshot(code: Image.Image, rng: random.Random) -> Image.Image:
    shot = Image.new("RGB", (1080, 2340), (237, 237, 237))
    draw = ImageDraw.Draw(shot)
    draw.rectangle((0, 0, 1080, 180), fill=(40, 40, 40))
    draw.rounded_rectangle((90, 500, 990, 1700), 24, fill="white")
    code = code.resize((560, 560), Image.Resampling.NEAREST)
    shot.paste(code, (260, 800))
    return shot


def _render(case: str, payload: str, rng: random.Random) -> Image.Image:
    code = _with_logo(qr_image(payload, module_px=8), rng)
    if case == "screenshot_logo":
        return _screenshot(code, rng)
    img = poster(None, seed=rng.randrange(10_000))
    size = {"poster_small": 80, "poster_tiny": 56}.get(case, 220)
    angle = rng.choice([5, 12, 20, 35]) if case == "poster_rotated" else 0
    code = code.resize((size, size), Image.Resampling.LANCZOS)
    if angle:
        code = code.rotate(angle, expand=True, fillcolor=(255, 255, 255), resample=Image.Resampling.BICUBIC)
    img.paste(code, (rng.randrange(20, 750 - code.width - 20), rng.randrange(450, 1000 - code.height - 20)))
    if case == "poster_blur":
        img = img.filter(ImageFilter.GaussianBlur(1.2))
    if case == "poster_jpeg_q30":
        return Image.open(__import__("io").BytesIO(to_bytes(img, "JPEG", quality=30)))
    return img


CASES = ("screenshot_logo", "poster", "poster_rotated", "poster_small", "poster_tiny", "poster_blur", "poster_jpeg_q30")


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 10
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 20260101)
    detector = QrDetector()
    results: dict[str, Counter] = {}
    for case in CASES:
        tally = Counter()
        for i in range(n):
            kind = list(KINDS)[i % len(KINDS)]
            payload = KINDS[kind](rng)
            img = _render(case, payload, rng)
            item = ContentItem(id=f"{case}-{i}", images=(ImageRef("x.png", to_bytes(img.convert("RGB"))),))
            found = [(s.attrs["payload"], s.attrs["kind"]) for s in detector.detect(PreparedContent(item, {}))]
            tally["images"] += 1
            tally["decoded"] += any(p == payload for p, _ in found)
            tally["decoded_and_kind"] += (payload, kind) in found
            tally["other_codes"] += sum(1 for p, _ in found if p != payload)
        results[case] = tally
    negatives = 0
    for i in range(n * 2):
        item = ContentItem(id=f"neg-{i}", images=(ImageRef("n.png", to_bytes(poster(None, seed=5000 + i))),))
        negatives += len(detector.detect(PreparedContent(item, {})))
    total = sum((c for c in results.values()), Counter())
    print(
        json.dumps(
            {
                "cases": {k: dict(v) for k, v in results.items()},
                "total": dict(total),
                "decoded_and_kind_rate": round(total["decoded_and_kind"] / total["images"], 4),
                "negatives": {"images": n * 2, "false_codes": negatives},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main(sys.argv)
