"""The article's own images, kept for the case page.

A content's stored version names its images by label (``services.images.image_label``): an http(s) URL, or
``data:sha256:<hex>`` for an image sent as bytes. The bytes of the latter would be gone after screening, so when
a content is stored its ``data:`` images are kept as review media too:

1. **prepare** (outside any transaction, CPU): decode each through the safe image path
   (``reports.decode_screenshot``: byte, pixel and format caps, re-encoded as JPEG, metadata stripped, at most
   1600 px a side). An image that will not decode is simply not kept — a failure as a value, never an error
   for the submission, which screening already judged;
2. **store** (in the content's transaction): one ``Media`` row per image not kept before, found again by the
   sha256 of the bytes as received (the hex of its label);
3. **for_content**: what the case page shows for a content's newest version, in the article's order — the
   kept image to reveal, or the URL of a remote image, which is listed and never loaded (the console's
   Content-Security-Policy allows images from qinglang only, and a reviewer's browser should not call a
   stranger's server).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.errors import QinglangError
from qinglang.services.images import data_image
from qinglang.storage.tables.core import ContentVersionRow
from qinglang.storage.tables.review import Media

KEEP_MAX_BYTES = 20 * 1024 * 1024
_DATA_LABEL = "data:sha256:"


@dataclass(frozen=True, slots=True)
class KeptImage:
    """An article image ready to store: the sha256 of the bytes received and the re-encoded JPEG."""

    sha256: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class ArticleImage:
    """One image of the article as the case page shows it: a kept image (``media_id``) or a remote ``url``;
    neither when a ``data:`` image could not be decoded."""

    position: int
    media_id: int | None = None
    url: str | None = None


def prepare(refs: Sequence[str]) -> tuple[KeptImage, ...]:
    """Step 1: decode and re-encode the ``data:`` images among ``refs`` (no database)."""
    from qinglang.services.review.reports import decode_screenshot

    kept = []
    for ref in refs:
        if not ref.startswith("data:"):
            continue
        try:
            raw = data_image(ref)
            shot = decode_screenshot(raw, KEEP_MAX_BYTES)
        except QinglangError:
            continue
        kept.append(KeptImage(hashlib.sha256(raw).hexdigest(), shot.width, shot.height, shot.data))
    return tuple(kept)


def store(session: Session, kept: Sequence[KeptImage]) -> int:
    """Step 2: add the images not kept before; returns how many were added."""
    if not kept:
        return 0
    known = set(session.execute(select(Media.sha256).where(Media.sha256.in_([k.sha256 for k in kept]))).scalars())
    added = 0
    for image in kept:
        if image.sha256 in known:
            continue
        session.add(Media(sha256=image.sha256, mime="image/jpeg", width=image.width, height=image.height,
                          data=image.data))
        known.add(image.sha256)
        added += 1
    session.flush()
    return added


def for_content(session: Session, content_id: str) -> tuple[ArticleImage, ...]:
    """Step 3: the images of the content's newest version, each kept image by its media id."""
    labels = session.execute(select(ContentVersionRow.images).where(ContentVersionRow.content_id == content_id)
                             .order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()
    labels = [str(label) for label in labels or ()]
    hashes = [label[len(_DATA_LABEL):] for label in labels if label.startswith(_DATA_LABEL)]
    media = dict(session.execute(select(Media.sha256, Media.id).where(Media.sha256.in_(hashes))
                                 .order_by(Media.id.desc())).all()) if hashes else {}
    out = []
    for n, label in enumerate(labels, 1):
        if label.startswith(_DATA_LABEL):
            out.append(ArticleImage(n, media_id=media.get(label[len(_DATA_LABEL):])))
        elif label.lower().startswith(("http://", "https://")):
            out.append(ArticleImage(n, url=label))
    return tuple(out)
