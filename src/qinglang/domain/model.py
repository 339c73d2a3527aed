"""Domain dataclasses: content, signals, decisions. See docs/glossary.md for every noun."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    PASS = "pass"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return {"pass": 0, "review": 1, "block": 2}[self.value]


class Category(StrEnum):
    """Top-level label taxonomy (DESIGN.md §3)."""

    PORN = "porn"
    ILLICIT_AD = "illicit_ad"
    GAMBLING = "gambling"
    FRAUD = "fraud"
    ABUSE = "abuse"
    NONE = "none"


HARM_CATEGORIES: tuple[Category, ...] = (
    Category.PORN,
    Category.ILLICIT_AD,
    Category.GAMBLING,
    Category.FRAUD,
    Category.ABUSE,
)


class ListKind(StrEnum):
    """Kinds of entries in the blacklist/allowlist register."""

    ACCOUNT = "account"
    OPERATOR = "operator"
    DOMAIN = "domain"
    URL = "url"
    QR_PAYLOAD = "qr_payload"
    CONTACT = "contact"
    TEXT_FINGERPRINT = "text_fingerprint"
    IMAGE_HASH = "image_hash"
    TERM = "term"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image of a content item: a local path, raw bytes, or a URL (fetched only when enabled)."""

    ref: str
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class ContentItem:
    """One article or chapter version, as screened. ``text`` is plain text; ``html`` is the body as HTML."""

    id: str
    title: str = ""
    text: str = ""
    html: str = ""
    images: tuple[ImageRef, ...] = ()
    links: tuple[str, ...] = ()
    original_link: str | None = None  # the "read the original" (阅读原文) link
    account_id: str | None = None
    book_id: str | None = None
    chapter: int | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a signal fired. Text spans are offsets into the ORIGINAL field text (``field`` = title/text/html).

    ``kind``: text_span, qr_code, contact, link, list_entry, image.
    ``detail`` explains the hit: the matched term, the normalisation applied, the list entry, ...
    """

    kind: str
    field: str = ""
    start: int | None = None
    end: int | None = None
    text: str = ""
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.field:
            out["field"] = self.field
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        if self.text:
            out["text"] = self.text
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


@dataclass(frozen=True, slots=True)
class Signal:
    """One observation by one detector. Rules refer to it as ``detector.label`` (e.g. ``lexicon.porn``).

    ``label`` may carry a sub-label after a slash (``porn/explicit``, ``drainage/wechat_id``); rules may match
    either the full label or its top part. ``severity`` 1 (mild) .. 3 (severe), 0 when not graded.
    """

    detector: str
    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    severity: int = 0
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.detector}.{self.label}"


@dataclass(frozen=True, slots=True)
class DetectorOutcome:
    """What one detector did for one item. A failed detector is recorded as failed, never as clean."""

    detector: str
    version: str
    status: str  # "ok" | "failed" | "skipped"
    signals: tuple[Signal, ...] = ()
    error: str | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class LabelResult:
    """One label on a decision (``porn/vulgar``), its score and the evidence behind it."""

    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict plus labels, the rules that fired and who or what decided."""

    verdict: Verdict
    category: Category
    labels: tuple[LabelResult, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    policy_id: str = ""
    policy_version: str = ""
    decided_by: str = "policy"
    outcomes: tuple[DetectorOutcome, ...] = ()
