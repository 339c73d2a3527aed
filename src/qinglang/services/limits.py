"""Size limits on submitted content, from ``settings.api``; each breach has its own stable code."""

from __future__ import annotations

from collections.abc import Sequence

from qinglang.config import ApiSettings
from qinglang.errors import PayloadTooLarge


def check_limits(limits: ApiSettings, *, texts: Sequence[str], images: Sequence[object], links: Sequence[str]) -> None:
    """Raise ``PayloadTooLarge`` when a text field, the image list or the link list is over its limit."""
    longest = max((len(t) for t in texts), default=0)
    if longest > limits.max_text_chars:
        raise PayloadTooLarge(
            f"a text field has {longest} characters; the limit is {limits.max_text_chars}. Split the content or "
            "raise QINGLANG_API__MAX_TEXT_CHARS",
            code="text_too_long",
        )
    if len(images) > limits.max_images:
        raise PayloadTooLarge(
            f"{len(images)} images sent; the limit is {limits.max_images} (QINGLANG_API__MAX_IMAGES)",
            code="too_many_images",
        )
    if len(links) > limits.max_links:
        raise PayloadTooLarge(
            f"{len(links)} links sent; the limit is {limits.max_links} (QINGLANG_API__MAX_LINKS)",
            code="too_many_links",
        )
