"""Find and decode every QR code in an image: zxing-cpp first, then (only where it finds nothing) the regions
where it located a symbol but could not decode it, upscaled; the whole image at 2x when it is small or a symbol
was located; tiles for long images; OpenCV's WeChat QR decoder (CNN detector + super-resolution); and last, where a symbol or
finder pattern was seen but nothing read, sharpened, thresholded and turned variants (the hard-photo pass)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Lock

import numpy as np
from PIL import Image

from qinglang.imaging import split_tiles

MODELS_DIR = Path(__file__).parent / "models"
SMALL_SIDE = 640  # images whose long side is below this are also tried at 2x


@dataclass(frozen=True, slots=True)
class QrCode:
    payload: str
    polygon: tuple[tuple[int, int], ...]
    decoder: str  # "zxing" | "zxing_upscaled" | "zxing_tile" | "wechat" | "zxing_hard"

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        xs = [p[0] for p in self.polygon] or [0]
        ys = [p[1] for p in self.polygon] or [0]
        return min(xs), min(ys), max(xs), max(ys)


def _gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"))


def _read(gray: np.ndarray, try_invert: bool = True) -> list:
    """zxing's QR codes in ``gray``; ``try_invert`` also reads light-on-dark codes (a second pass, about 4 ms per
    megapixel on an image without a code)."""
    import zxingcpp

    return zxingcpp.read_barcodes(
        gray,
        formats=zxingcpp.BarcodeFormat.QRCode,
        text_mode=zxingcpp.TextMode.Plain,
        try_invert=try_invert,
        return_errors=True,
    )


def _polygon(b, scale: float, dx: int, dy: int) -> tuple[tuple[int, int], ...]:
    pos = b.position
    pts = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
    return tuple((int(p.x / scale) + dx, int(p.y / scale) + dy) for p in pts)


def _zxing_seen(
    gray: np.ndarray, decoder: str, scale: float = 1.0, dx: int = 0, dy: int = 0, try_invert: bool = True
) -> tuple[list[QrCode], list[tuple[int, int, int, int]]]:
    """Decoded codes, and the boxes of symbols that were located but failed to decode (finder patterns seen)."""
    codes, seen = [], []
    for b in _read(gray, try_invert):
        polygon = _polygon(b, scale, dx, dy)
        if b.valid and b.text:
            codes.append(QrCode(b.text, polygon, decoder))
        else:
            xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
            seen.append((min(xs), min(ys), max(xs), max(ys)))
    return codes, seen


def _zxing(gray: np.ndarray, decoder: str, scale: float = 1.0, dx: int = 0, dy: int = 0) -> list[QrCode]:
    return _zxing_seen(gray, decoder, scale, dx, dy)[0]


def _upscaled_regions(img: Image.Image, seen: list[tuple[int, int, int, int]]) -> list[QrCode]:
    """Crop each located-but-undecoded symbol with a margin and try it again at 2-4x."""
    codes: list[QrCode] = []
    for x0, y0, x1, y1 in seen[:4]:
        side = max(x1 - x0, y1 - y0, 8)
        box = (max(0, x0 - side), max(0, y0 - side), min(img.width, x1 + side), min(img.height, y1 + side))
        crop = img.crop(box)
        factor = min(4.0, max(2.0, 600 / max(crop.size)))
        big = crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.BICUBIC)
        codes += _zxing(_gray(big), "zxing_upscaled", scale=factor, dx=box[0], dy=box[1])
    return codes


class WeChatDecoder:
    """OpenCV's WeChat QR decoder with the model files shipped beside this module (Apache-2.0, WeChatCV)."""

    def __init__(self, models_dir: Path = MODELS_DIR, max_side: int = 640):
        import cv2

        self.max_side = max_side  # its CNN detector works on a reduced image; bigger inputs only cost time

        paths = [str(models_dir / n) for n in ("detect.prototxt", "detect.caffemodel", "sr.prototxt", "sr.caffemodel")]
        self._impl = cv2.wechat_qrcode_WeChatQRCode(*paths)
        self._lock = Lock()

    def decode(self, img: Image.Image) -> list[QrCode]:
        scale = 1.0
        if max(img.size) > self.max_side:
            scale = self.max_side / max(img.size)
            img = img.resize(
                (max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.BILINEAR
            )
        bgr = np.ascontiguousarray(np.asarray(img.convert("RGB"))[:, :, ::-1])
        try:
            with self._lock:
                texts, points = self._impl.detectAndDecode(bgr)
        except (UnicodeDecodeError, ValueError):
            return []
        codes = []
        for text, pts in zip(texts, points, strict=False):
            if text:
                polygon = tuple((int(x / scale), int(y / scale)) for x, y in np.asarray(pts).reshape(-1, 2))
                codes.append(QrCode(text, polygon, "wechat"))
        return codes


def _second_pass(img: Image.Image, gray: np.ndarray, seen: list, wechat: WeChatDecoder | None) -> list[QrCode]:
    w, h = img.size
    if seen:
        codes = _dedupe(_upscaled_regions(img, seen))
        if codes:
            return codes
    located = _Located(gray, bool(seen))  # the passes below cost 10-200 ms; most images have no code
    if (max(w, h) < SMALL_SIDE and located()) or (seen and w * h <= 2_000_000):
        up = img.resize((w * 2, h * 2), Image.Resampling.BICUBIC)
        codes = _zxing(_gray(up), "zxing_upscaled", scale=2.0)
        if codes:
            return codes
    tiles = split_tiles(img)
    if len(tiles) > 1:
        codes = _dedupe([c for dx, dy, t in tiles for c in _zxing(_gray(t), "zxing_tile", dx=dx, dy=dy)])
        if codes:
            return codes
    if not _worth_slow_passes(gray, located):
        return []
    if wechat is not None:
        codes = wechat.decode(img)
        if codes:
            return codes
    return _hard_photo(gray, seen)


def _worth_slow_passes(gray: np.ndarray, located: _Located) -> bool:
    """Whether the WeChat pass and the hard-photo pass may run: a located symbol or finder pattern, on an image
    that is not texture everywhere. Where the finder check has already answered (an image under
    :data:`SMALL_SIDE` asked it before the 2x pass), its answer goes first; otherwise, where a glance at every
    fourth pixel says texture, the noise check (which refuses those) goes first."""
    if located.known is not None:
        return located.known and not _noise_like(gray)
    if _looks_textured(gray):
        return not _noise_like(gray) and located()
    return located() and not _noise_like(gray)


def _hard_photo(gray: np.ndarray, seen: list[tuple[int, int, int, int]]) -> list[QrCode]:
    """The last pass, where a symbol was located or finder patterns seen and nothing else read a code: sharpened,
    thresholded, thickened and turned variants (:mod:`qinglang.detectors.qr.hard`), within a CPU budget. It works
    on the whole image up to :data:`SMALL_SIDE` (photo-sized images, where hard codes are small); on a larger
    image only around the first symbol zxing located (a larger image where only the finder check fired is most
    often a poster whose glyphs look like finders: 46 ms p50 of variants on each, for nothing)."""
    from qinglang.detectors.qr.hard import read_variants

    h, w = gray.shape
    x0 = y0 = 0
    if max(w, h) >= SMALL_SIDE:
        if not seen:
            return []
        bx0, by0, bx1, by1 = seen[0]
        side = max(bx1 - bx0, by1 - by0, 8)
        x0, y0 = max(0, bx0 - side // 2), max(0, by0 - side // 2)
        gray = gray[y0 : min(h, by1 + side // 2), x0 : min(w, bx1 + side // 2)]
    reads, _ = read_variants(gray)
    return _dedupe([QrCode(text, tuple((x + x0, y + y0) for x, y in polygon), "zxing_hard") for text, polygon in reads])


class _Located:
    """Whether zxing located a symbol or :func:`has_finder_patterns` sees one, checked at most once."""

    def __init__(self, gray: np.ndarray, seen: bool) -> None:
        self._gray, self._answer = gray, True if seen else None

    @property
    def known(self) -> bool | None:
        """The answer where it has been checked already, else None."""
        return self._answer

    def __call__(self) -> bool:
        if self._answer is None:
            self._answer = has_finder_patterns(self._gray)
        return self._answer


def _looks_textured(gray: np.ndarray, step: int = 4) -> bool:
    """A quick estimate of :func:`_noise_like` on every ``step``-th pixel (about a tenth of a millisecond per
    megapixel); it only orders the checks, never decides."""
    sample = gray[::step, ::step]
    return sample.shape[1] > 1 and median_step(sample) > 16.0


FINDER_SIDE = (240, 640)  # the finder check works on a copy whose short side is at least 240, long side at most 640
FINDER_BLOCKS = (15, 51)  # adaptive-threshold neighbourhoods (pixels): small and large modules
FINDER_DELTA = 10  # a pixel is dark where it is this many grey levels or more below its neighbourhood's mean


def has_finder_patterns(gray: np.ndarray) -> bool:
    """True where something like a QR finder pattern (a square dark ring around a dark core, 7:5:3) is seen: the
    gate in front of the slow passes, about a millisecond on a reduced copy.

    ``gray`` is the image as 8-bit grey levels. The reduced copy gets a white margin (codes cropped to their edge
    have no quiet zone) and is binarised by local mean at two neighbourhood sizes (small and large modules). A
    dark connected component whose box is squarish, at least 7 px and 25-80% filled is a ring candidate; it is a
    finder when the pixel at its box's centre is dark, belongs to another component (the core), and that core's
    box lies inside the ring's at 20-65% of its width and height (:func:`~qinglang.detectors.qr.rings.ring_around_core`,
    which finds the components from runs of dark pixels). Lenient by design (a stylised code with a textured core
    passes): what it must not do is miss a code the slow passes would have found.

    One pixel of margin is as good as any wider one: the threshold extends the copy's border by repeating it, so
    every pixel's neighbourhood sees white beyond the edge however far it reaches, and a white margin pixel is
    never darker than its neighbourhood's mean, so it is never dark."""
    import cv2

    from qinglang.detectors.qr.rings import ring_around_core

    low, high = FINDER_SIDE
    scale = min(high / max(gray.shape), max(1.0, low / min(gray.shape)))
    pixels = np.ascontiguousarray(gray)
    if scale != 1.0:
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR)
    pixels = cv2.copyMakeBorder(pixels, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    for block in FINDER_BLOCKS:  # the local mean exactly as cv2.adaptiveThreshold (ADAPTIVE_THRESH_MEAN_C) takes it
        mean = cv2.boxFilter(pixels, -1, (block, block), borderType=cv2.BORDER_REPLICATE | cv2.BORDER_ISOLATED)
        if ring_around_core(pixels, mean, FINDER_DELTA):
            return True
    return False


NOISE_SURE = 32.0  # median step between neighbouring full-resolution pixels above which a large image is noise


def _rows_step(gray: np.ndarray, every: int = 4) -> float:
    """:func:`median_step` on every ``every``-th full-resolution row of an image larger than :data:`SMALL_SIDE`
    (0 for a smaller or one-pixel-wide image, which this glance never calls noise): over :data:`NOISE_SURE` the
    image is sure noise."""
    if max(gray.shape) <= SMALL_SIDE or gray.shape[1] < 2:
        return 0.0
    return median_step(gray[::every])


def _noise_like(gray: np.ndarray, max_median_gradient: float = 16.0) -> bool:
    """True for images that are texture or noise nearly everywhere (median neighbour difference over
    ``max_median_gradient`` grey levels at 640 px): the WeChat detector finds hundreds of candidates there and
    costs seconds, while photographed and screenshotted codes sit on smoother images (0-15 on the ZXing set).
    ``gray`` is the image as grey levels (the array the first zxing pass read).

    Reducing a large image to 640 px costs milliseconds, so a large image first gets the same median on every
    fourth row at full resolution (a tenth of that): there a photo or poster is smoother still than at 640 px
    (its steps shrink with the pixels) while noise is rougher (reducing averages it), and a median over
    :data:`NOISE_SURE`, twice the bar, is noise without the reduced copy. Below that the reduced copy decides."""
    if _rows_step(gray) > NOISE_SURE:
        return True
    small = Image.fromarray(gray)
    small.thumbnail((640, 640))
    reduced = np.asarray(small)
    return reduced.shape[1] > 1 and median_step(reduced) > max_median_gradient


PLAIN_CELLS = 8  # the plain-noise check reduces the image 8 times and compares cells of 8x8 reduced pixels (64 px)
PLAIN_SPREAD = 1.75  # no cell's contrast over this times what independent noise of the image's roughness leaves


def _plain_noise(gray: np.ndarray) -> bool:
    """True for a large image that is the same independent noise everywhere, where zxing's retry on the inverted
    image is skipped (it reads nothing there, and costs about 4 ms per megapixel).

    The cheap checks first: a glance at every 32nd row (under half of :data:`NOISE_SURE`, as on every poster
    and photo, it stops there: counting the steps of a smooth image is slower, most of them fall in one bin),
    then the median step on every fourth full-resolution row over :data:`NOISE_SURE` (sure noise, see
    :func:`_noise_like`); last :func:`_cells_alike`, which is what keeps codes: a light-on-dark code on a rough
    background is sure noise too, and only the inverted retry reads it, but its modules leave the cells it covers
    far more contrasted than noise would."""
    if _rows_step(gray, every=32) <= NOISE_SURE / 2:
        return False
    step = _rows_step(gray)
    return step > NOISE_SURE and _cells_alike(gray, step)


def _cells_alike(gray: np.ndarray, step: float) -> bool:
    """Whether no 64-px cell of ``gray`` has more contrast at the scale of a code's modules than independent
    noise whose median step between neighbours is ``step`` would leave.

    The image is reduced :data:`PLAIN_CELLS` times by area (each pixel the mean of 8x8): independent noise
    shrinks 8 times (its standard deviation is about its median step), while a code's dark and light modules
    stay apart. Each cell of 8x8 reduced pixels gets the standard deviation of its pixels; the image is plain
    noise where the largest is within :data:`PLAIN_SPREAD` of ``step / 8``. Whole-image noise measures 1.2-1.4
    (the bench's ``Image.effect_noise`` at 40-85); a code of 50 px or more on noise, from a few pixels' worth to
    the whole image, as it is or JPEG'd, 2.1 or more (``scripts/eval_qr_inverted_noise.py``). The reductions round up, so no edge
    strip is left out."""
    import cv2

    def reduce(pixels: np.ndarray) -> np.ndarray:
        size = (-(-pixels.shape[1] // PLAIN_CELLS), -(-pixels.shape[0] // PLAIN_CELLS))
        return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)

    small = reduce(np.ascontiguousarray(gray)).astype(np.float32)
    mean, mean_square = reduce(small), reduce(small * small)
    spread = np.sqrt(np.maximum(mean_square - mean * mean, 0.0))
    return float(spread.max()) * PLAIN_CELLS <= PLAIN_SPREAD * step


def median_step(gray: np.ndarray) -> float:
    """``np.median(np.abs(np.diff(gray, axis=1)))`` of 8-bit grey levels, from a histogram of the 256 possible
    steps: the same number without sorting (a fraction of a millisecond per megapixel instead of several). The
    steps are taken in 8 bits (``cv2.absdiff``, exact for unsigned levels) and counted by ``cv2.calcHist``,
    whose float32 counts are exact below 2**24 steps; a larger image is counted by ``np.bincount``."""
    import cv2

    steps = cv2.absdiff(gray[:, 1:], gray[:, :-1])
    n = steps.size
    if n < 1 << 24:
        counts = cv2.calcHist([steps], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    else:
        counts = np.bincount(steps.ravel(), minlength=256)
    below = np.cumsum(counts)
    low, high = np.searchsorted(below, [(n - 1) // 2, n // 2], side="right")
    return (int(low) + int(high)) / 2


def _dedupe(codes: list[QrCode]) -> list[QrCode]:
    seen, out = set(), []
    for c in codes:
        key = (c.payload, c.bbox[0] // 32, c.bbox[1] // 32)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def decode_qr(img: Image.Image, wechat: WeChatDecoder | None = None) -> list[QrCode]:
    """Every QR code in ``img``, with its polygon in image coordinates. ``wechat=None`` skips that decoder."""
    gray = _gray(img)
    codes, seen = _zxing_seen(gray, "zxing", try_invert=not _plain_noise(gray))
    if codes:
        return _dedupe(codes)
    return _second_pass(img, gray, seen, wechat)
