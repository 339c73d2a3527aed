"""Sweeps (举一反三, "one case, three inferences"): the words, and how findings become one reason per content.

A sweep starts from a *seed*: a confirmed case (a content a reviewer found violating) or an ad-hoc text, image
hash, QR payload, contact, domain or URL. It finds contents by near-duplicate text, a near-identical image (PDQ
hashes a few bits apart), the same book's other chapters, a shared target (QR payload, link, contact, domain),
and the same operator behind another account — and opens a case in the
``sweep`` queue for each, linked to the seed with a reason a lead can read ("near-duplicate 0.87 of case #12;
shares qr_payload https://weixin.qq.com/g/… with case #12"). Pure: no I/O.

A sweep over a large corpus takes minutes, so it is a *job*: the request stores it ``queued``, a worker claims it
(``running``, under a lease) and records what it found (``completed``) or why it could not (``failed``). The
lifecycle is :func:`next_status`; services persist each step by compare-and-set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class SeedKind(StrEnum):
    CASE = "case"
    TEXT = "text"
    IMAGE_HASH = "image_hash"
    QR_PAYLOAD = "qr_payload"
    CONTACT = "contact"
    DOMAIN = "domain"
    URL = "url"
    TERM = "term"  # a register term (a new lexicon word): the stored contents whose normalised text contains it


class SweepStatus(StrEnum):
    """Where a sweep job is. ``completed`` is also what every sweep recorded before sweeps were jobs says."""

    QUEUED = "queued"  # stored by the request; waiting for a worker
    RUNNING = "running"  # a worker holds its lease and is finding
    COMPLETED = "completed"  # its items are recorded and its cases opened
    FAILED = "failed"  # it could not run; ``error`` says why (nothing was recorded)


class SweepEvent(StrEnum):
    CLAIM = "claim"  # a worker takes a queued sweep, or a running one whose lease ran out
    COMPLETE = "complete"
    FAIL = "fail"


_NEXT = {
    (SweepStatus.QUEUED, SweepEvent.CLAIM): SweepStatus.RUNNING,
    (SweepStatus.RUNNING, SweepEvent.CLAIM): SweepStatus.RUNNING,  # a crashed worker's sweep, taken over
    (SweepStatus.RUNNING, SweepEvent.COMPLETE): SweepStatus.COMPLETED,
    (SweepStatus.RUNNING, SweepEvent.FAIL): SweepStatus.FAILED,
}
FINISHED = frozenset({SweepStatus.COMPLETED, SweepStatus.FAILED})


def next_status(status: SweepStatus, event: SweepEvent) -> SweepStatus | None:
    """The status ``event`` moves a sweep in ``status`` to; ``None`` when it cannot happen there (a finished
    sweep is never claimed, completed or failed again)."""
    return _NEXT.get((SweepStatus(status), event))


def claimable_from(event: SweepEvent = SweepEvent.CLAIM) -> tuple[SweepStatus, ...]:
    """The statuses ``event`` applies to: what a compare-and-set for it must find."""
    return tuple(before for (before, ev) in _NEXT if ev == event)


class ReasonKind(StrEnum):
    """Why a sweep found a content, strongest first (a content found several ways is filed under the first)."""

    NEAR_DUPLICATE = "near_duplicate"
    NEAR_IMAGE = "near_image"
    SAME_BOOK = "same_book"
    SHARED_TARGET = "shared_target"
    CONTAINS_TERM = "contains_term"
    SAME_OPERATOR = "same_operator"


_RANK = {kind: n for n, kind in enumerate(ReasonKind)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One way one content was found. ``score``: the similarity (or containment when higher) of a
    near-duplicate; ``None`` for the other inferences."""

    content_id: str
    version_pk: int
    account_id: str | None
    kind: ReasonKind
    reason: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class SweepHit:
    """Everything found about one content, merged: the strongest reason kind and every reason, in order."""

    content_id: str
    version_pk: int
    account_id: str | None
    kind: ReasonKind
    reason: str
    score: float | None


def seed_label(kind: SeedKind, value: str, case_id: int | None = None) -> str:
    """How reasons name the seed: ``case #12``, or the ad-hoc value (shortened)."""
    if kind == SeedKind.CASE and case_id is not None:
        return f"case #{case_id}"
    short = value if len(value) <= 40 else value[:39] + "…"
    return f"the {kind.value.replace('_', ' ')} {short!r}" if kind != SeedKind.TEXT else f"the text {short!r}"


def merge(findings: Iterable[Finding], *, exclude: Iterable[str] = ()) -> list[SweepHit]:
    """One hit per content (the seed's own contents left out), strongest reason first, then by content id."""
    skipped = set(exclude)
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        if f.content_id not in skipped:
            grouped.setdefault(f.content_id, []).append(f)
    hits = []
    for content_id, found in grouped.items():
        found.sort(key=lambda f: (_RANK[f.kind], -(f.score or 0.0)))
        reasons = list(dict.fromkeys(f.reason for f in found))
        first = found[0]
        hits.append(SweepHit(content_id, first.version_pk, first.account_id, first.kind, "; ".join(reasons),
                             first.score))
    return sorted(hits, key=lambda h: (_RANK[h.kind], -(h.score or 0.0), h.content_id))
