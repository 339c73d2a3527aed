"""Fingerprints as bytes, for storing one per content version.

Layout (zlib-compressed): ``b"QLFP1"``, the scheme string, then the sorted shingle hashes and the window
MinHash states (rensa's own ``__getstate__`` bytes), each length-prefixed. A stored fingerprint whose scheme
is not the running one is refused (:class:`ValueError`) so the caller recomputes it from the text instead of
comparing fingerprints built with different shingles, windows or seeds.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from qinglang.similarity.fingerprints import NUM_PERM, SCHEME, SEED, TextFingerprint

_MAGIC = b"QLFP1"


def _chunk(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def encode(fp: TextFingerprint) -> bytes:
    """The stored form of ``fp``."""
    parts = [_MAGIC, _chunk(fp.scheme.encode()), _chunk(fp.hashes.astype("<u8").tobytes())]
    parts.append(struct.pack("<I", len(fp.windows)))
    parts.extend(_chunk(bytes(w.__getstate__())) for w in fp.windows)
    return zlib.compress(b"".join(parts), 6)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise ValueError("stored fingerprint is truncated")
        out = self.data[self.at : self.at + n]
        self.at += n
        return out

    def chunk(self) -> bytes:
        return self.take(struct.unpack("<I", self.take(4))[0])


def decode(blob: bytes) -> TextFingerprint:
    """A fingerprint from its stored form; ``ValueError`` when it is damaged or of another scheme."""
    import rensa

    try:
        reader = _Reader(zlib.decompress(blob))
    except zlib.error as exc:
        raise ValueError(f"stored fingerprint is not readable: {exc}") from None
    if reader.take(len(_MAGIC)) != _MAGIC:
        raise ValueError("stored fingerprint has an unknown format")
    scheme = reader.chunk().decode()
    if scheme != SCHEME:
        raise ValueError(f"stored fingerprint scheme {scheme!r} is not {SCHEME!r}")
    hashes = np.frombuffer(reader.chunk(), dtype="<u8").astype(np.uint64)
    count = struct.unpack("<I", reader.take(4))[0]
    minhashes = []
    for _ in range(count):
        m = rensa.RMinHash(NUM_PERM, SEED)
        m.__setstate__(reader.chunk())
        minhashes.append(m)
    return TextFingerprint(hashes, tuple(minhashes), scheme)
