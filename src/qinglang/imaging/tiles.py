"""Split long images (screenshots, posters) into overlapping tiles so that small codes stay decodable."""

from __future__ import annotations

from PIL import Image


def split_tiles(
    img: Image.Image, *, max_aspect: float = 2.5, overlap: float = 0.25
) -> list[tuple[int, int, Image.Image]]:
    """Return ``(x_offset, y_offset, tile)`` for a long image, or ``[(0, 0, img)]`` for a normal one.

    Tiles are squares of the short side, stepping by ``1 - overlap`` of a tile, the last one flush with the end.
    """
    w, h = img.size
    if max(w, h) <= max_aspect * min(w, h):
        return [(0, 0, img)]
    side = min(w, h)
    length = max(w, h)
    step = max(1, int(side * (1 - overlap)))
    starts = list(range(0, length - side, step)) + [length - side]
    tiles = []
    for s in starts:
        box = (0, s, w, s + side) if h > w else (s, 0, s + side, h)
        tiles.append((box[0], box[1], img.crop(box)))
    return tiles
