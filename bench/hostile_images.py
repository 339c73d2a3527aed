"""Hostile images through the safe decoder (``qinglang.imaging.load_image``), each variant in a fresh process:
seconds, frames decoded, peak memory (maximum resident set growth) and what the decode cache holds after.

Images, generated here: the probe of issue 13 (three 6000x6000 GIFs of 8 frames, each a different colour,
about 200 KB each), a 10x10 GIF whose second frame grows the canvas to 9000x9000, and a GIF of 200,000
one-pixel frames. "capped" uses the default limits; "uncapped" lifts the pixel-time and memory caps (frames are
still sampled to 8), which is close to how the decoder behaved before the caps.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import time

from PIL import Image

LIFTED = {"max_decoded_pixels": 10**12, "max_memory_bytes": 10**13}


def _gif_parts(img: Image.Image) -> tuple[bytes, bytes]:
    buffer = io.BytesIO()
    img.save(buffer, "GIF")
    data = buffer.getvalue()
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    header = data[:pos]
    while data[pos] == 0x21:
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return header, data[pos:-1]


def _probe_gifs() -> list[bytes]:
    out = []
    for colour in (3, 5, 7):
        header, block = _gif_parts(Image.new("P", (6000, 6000), colour))
        out.append(header + block * 8 + b";")
    return out


def _growing_gif() -> bytes:
    header, first = _gif_parts(Image.new("P", (10, 10), 1))
    grown = b"," + b"".join(v.to_bytes(2, "little") for v in (0, 0, 9000, 9000)) + b"\x00\x02\x02\x4c\x01\x00"
    return header + first + grown + b";"


def _tiny_frames_gif() -> bytes:
    header, _ = _gif_parts(Image.new("P", (1, 1), 1))
    frame = b"," + b"".join(v.to_bytes(2, "little") for v in (0, 0, 1, 1)) + b"\x00\x02\x02\x4c\x01\x00"
    return header + frame * 200_000 + b";"


def _measure(name: str, lifted: bool, queue) -> None:
    from qinglang.imaging import ImageError, ImageLimits, load_image
    from qinglang.imaging import decode as decode_module

    images = {"probe": _probe_gifs, "growing_canvas": lambda: [_growing_gif()], "tiny_frames": lambda: [_tiny_frames_gif()]}[name]()
    limits = ImageLimits(**LIFTED) if lifted else ImageLimits()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    frames, errors = 0, []
    for index, data in enumerate(images):
        try:
            frames += len(load_image(f"{name}-{index}.gif", data, limits).frames)
        except ImageError as exc:
            errors.append(exc.code)
    queue.put({
        "images": len(images),
        "bytes_each": len(images[0]),
        "seconds": round(time.perf_counter() - started, 2),
        "frames_decoded": frames,
        "errors": errors,
        "peak_rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024),
        "cache_mb_after": round(decode_module._cached_bytes / 2**20),
    })


def _in_process(name: str, lifted: bool) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_measure, args=(name, lifted, queue))
    worker.start()
    result = queue.get(timeout=600)
    worker.join()
    return result


def run() -> dict:
    result = {"method": __doc__.split("\n\n")[0].replace("\n", " ")}
    for name in ("probe", "growing_canvas", "tiny_frames"):
        result[name] = {"capped": _in_process(name, False)}
        if name != "tiny_frames":
            result[name]["uncapped"] = _in_process(name, True)
    return result
