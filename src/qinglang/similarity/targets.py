"""Target keys: the drainage targets (URL, domain, QR payload, contact, image hash) a content points at,
in the form the drainage graph stores them, so contents sharing a target can be looked up by key.

A signal names a target through ``attrs.target_kind`` and ``attrs.target`` (the links, qr and contacts
detectors set them; the drainage graph records one edge per such target). Two contents "share a target" when
they have a key in common; that is the second inference of a sweep, beside near-duplicate text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TARGET_KINDS = ("url", "domain", "qr_payload", "contact", "image_hash")


@dataclass(frozen=True, slots=True, order=True)
class TargetKey:
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def _attrs(signal: Any) -> Mapping[str, Any]:
    return (signal.get("attrs") if isinstance(signal, Mapping) else getattr(signal, "attrs", None)) or {}


def target_key(kind: str, value: str) -> TargetKey | None:
    """The key of one target as the graph stores it, or ``None`` when ``kind`` names no drainage target.

    URLs and QR payloads are canonicalised as at screening (tracking parameters dropped), domains and image
    hashes lower-cased, contacts kept as the detector wrote them.
    """
    if kind not in TARGET_KINDS or not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if kind == "url":
        from qinglang.links import canonicalize_url

        value = canonicalize_url(value) or value
    elif kind == "qr_payload":
        from qinglang.detectors.qr.kinds import canonical_payload

        value = canonical_payload(value)
    elif kind in ("domain", "image_hash"):
        value = value.lower().strip(".")
    return TargetKey(kind, value)


def target_keys(signals: Iterable[Any]) -> frozenset[TargetKey]:
    """Every target the signals name (signal objects or their stored ``{"attrs": ...}`` dicts)."""
    keys = set()
    for signal in signals:
        attrs = _attrs(signal)
        key = target_key(str(attrs.get("target_kind", "")), attrs.get("target"))
        if key is not None:
            keys.add(key)
    return frozenset(keys)


def shared_targets(a: Iterable[TargetKey], b: Iterable[TargetKey]) -> list[TargetKey]:
    """The targets two contents have in common, sorted."""
    return sorted(set(a) & set(b))
