"""Exact-payload rate of the qr detector's decoder on the developer-visible ZXing blackbox sets.

Positives: qrcode-1..3 (an image counts when one decoded payload, as UTF-8 bytes, equals N.txt read as bytes).
Negatives: falsepositives-2 (every decoded code is a false code). Prints JSON.

Usage: python scripts/eval_qr.py [DATA_DIR] [--no-wechat]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from qinglang.detectors.qr.decode import WeChatDecoder, decode_qr
from qinglang.imaging import load_image

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "zxing_blackbox_qr"
POSITIVE_SETS = ("qrcode-1", "qrcode-2", "qrcode-3")
NEGATIVE_SETS = ("falsepositives-2",)


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif"))


def _payloads(path: Path, wechat: WeChatDecoder | None) -> list[bytes]:
    return [c.payload.encode("utf-8") for c in decode_qr(load_image(str(path)).image, wechat)]


def evaluate(data: Path, wechat: WeChatDecoder | None) -> dict:
    result: dict = {"positives": {}, "negatives": {}, "misses": []}
    for name in POSITIVE_SETS:
        images = _images(data / name)
        exact = 0
        for path in images:
            truth = path.with_suffix(".txt").read_bytes()
            if truth in _payloads(path, wechat):
                exact += 1
            else:
                result["misses"].append(f"{name}/{path.name}")
        result["positives"][name] = {"images": len(images), "exact": exact}
    for name in NEGATIVE_SETS:
        images = _images(data / name)
        result["negatives"][name] = {
            "images": len(images),
            "false_codes": sum(len(_payloads(p, wechat)) for p in images),
        }
    total = sum(v["images"] for v in result["positives"].values())
    exact = sum(v["exact"] for v in result["positives"].values())
    result["exact_rate"] = round(exact / total, 4) if total else 0.0
    return result


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else DEFAULT_DATA
    wechat = None if "--no-wechat" in argv else WeChatDecoder()
    start = time.perf_counter()
    result = evaluate(data, wechat)
    result["wechat_decoder"] = wechat is not None
    result["seconds"] = round(time.perf_counter() - start, 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv)
