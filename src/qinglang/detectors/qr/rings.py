"""The finder check's compiled loop (numba): connected components of a binarised image, found from its runs.

:func:`~qinglang.detectors.qr.decode.has_finder_patterns` asks one question of each binarised copy: is there a
dark component that is a squarish ring around another dark component (the core)? It needs every component's
bounding box and pixel count and, for each ring candidate, which component holds the pixel at its box's centre.
A general labelling (OpenCV's) writes a label for every pixel and a centroid for every component; here the
components are built from horizontal runs of dark pixels instead: a run touches a run of the row above when
their columns overlap or meet at a corner (8-connectivity), touching runs are merged with a union-find, and the
pixel at a box's centre is found by a binary search among its row's runs. The components are exactly those of
an 8-connected labelling; on textures, where most of the check's time went, this is several times cheaper.

Compiled on first use and cached on disk (numba's ``cache=True``), else compiled in memory once per process.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def jit(fn):
    """``fn`` compiled without the GIL, cached on disk where numba finds a writable place."""
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # numba: "cannot cache function ... no locator available"
        return njit(nogil=True)(fn)


@jit
def _root(parent, i):
    """The representative of run ``i``'s component, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@jit
def _runs(pixels, mean, delta):
    """The dark runs of ``pixels`` row by row: first column, last column, and the index of each row's first run
    (``starts[y]`` to ``starts[y + 1]``). A pixel is dark where it is at least ``delta`` below ``mean`` there
    (what ``cv2.adaptiveThreshold`` with ``THRESH_BINARY_INV`` marks, given the same mean). Every pixel writes its
    column and the count moves on only where dark turns light or back, so the loop does not branch on the
    pixels (textures change often)."""
    height, width = pixels.shape
    edges = np.empty(height * (width + 1) + 1, np.int32)  # a run's first column, then one past its last
    starts = np.empty(height + 1, np.int32)
    n = 0
    for y in range(height):
        starts[y] = n // 2
        row, local = pixels[y], mean[y]
        was = 0
        for x in range(width):
            now = 1 if np.int32(row[x]) - np.int32(local[x]) <= -delta else 0
            edges[n] = x
            n += now ^ was
            was = now
        edges[n] = width
        n += was
    starts[height] = n // 2
    return edges[0:n:2].copy(), edges[1:n:2] - 1, starts


@jit
def _components(x0, x1, starts):
    """The component of each run (its root run's index) after merging runs that touch across rows."""
    parent = np.arange(len(x0), dtype=np.int32)
    for y in range(1, len(starts) - 1):
        above, above_end = starts[y - 1], starts[y]
        for i in range(starts[y], starts[y + 1]):
            while above < above_end and x1[above] < x0[i] - 1:
                above += 1  # runs of the row above that end left of this one's reach touch no later run either
            j, root = above, i  # root: the representative of run i's component so far, the smaller index
            while j < above_end and x0[j] <= x1[i] + 1:
                other = _root(parent, j)
                if other < root:
                    parent[root], root = other, other
                elif other > root:
                    parent[other] = root
                j += 1
    for i in range(len(parent)):  # a run's parent is never a later run, so one step reaches the root
        parent[i] = parent[parent[i]]
    return parent


@jit
def _holder(x0, x1, starts, parent, x, y):
    """The component holding pixel (x, y), or -1 where that pixel is light."""
    lo, hi = starts[y], starts[y + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if x1[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    if lo < starts[y + 1] and x0[lo] <= x:
        return parent[lo]
    return -1


@jit
def ring_around_core(pixels, mean, delta):
    """Whether a dark component of ``pixels`` (8-bit grey levels, dark where ``delta`` or more below ``mean``, an
    array of the same shape: the local mean) is a ring around a core: its box squarish
    (each side under 5/3 of the other), at least 7 px, 25-80% filled, and the pixel at the box's centre dark,
    of another component, whose box lies strictly inside the ring's at 20-65% of its width and of its height."""
    x0, x1, starts = _runs(pixels, mean, delta)
    parent = _components(x0, x1, starts)
    n = len(parent)
    left, right, top, bottom = x0.copy(), x1.copy(), np.empty(n, np.int32), np.empty(n, np.int32)
    area = np.zeros(n, np.int32)
    for y in range(len(starts) - 1):  # a component's root is its first run, so its top row is the root's
        for i in range(starts[y], starts[y + 1]):
            c = parent[i]
            if c == i:
                top[c] = y
            left[c], right[c] = min(left[c], x0[i]), max(right[c], x1[i])
            bottom[c] = y
            area[c] += x1[i] - x0[i] + 1
    for r in range(n):
        if parent[r] != r:
            continue
        w, h = right[r] - left[r] + 1, bottom[r] - top[r] + 1
        if w < 7 or h < 7 or w * 3 >= h * 5 or h * 3 >= w * 5:
            continue
        if not 0.25 < area[r] / (w * h) < 0.8:
            continue
        c = _holder(x0, x1, starts, parent, left[r] + w // 2, top[r] + h // 2)
        if c < 0 or c == r:
            continue
        cw, ch = right[c] - left[c] + 1, bottom[c] - top[c] + 1
        inside = left[c] > left[r] and top[c] > top[r] and right[c] < right[r] and bottom[c] < bottom[r]
        if inside and 0.2 < cw / w < 0.65 and 0.2 < ch / h < 0.65:
            return True
    return False
