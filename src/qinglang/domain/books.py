"""Books: serialized fiction as one entity, and how its chapters' decisions roll up to the book.

A **book** is what a platform sells chapter by chapter: every content version that carries the same ``book_id``
is one of its chapters (``chapter`` is its number). Regulators ask for vulgar *works* to be taken off the
shelves, not single chapters, and the evasions they name are patterns over chapters that no single decision
sees. This module is the pure part: given each chapter's current decision, it computes

1. **the roll-up** — how many chapters there are, how many are flagged (verdict ``review`` or ``block``), their
   share, the worst verdict and category among them and the highest harm score;
2. **the flags** — the two patterns below, each with the chapters that make it and a sentence a reviewer can
   check against the chapter list.

``free_then_vulgar`` — "clean free chapters, vulgar paid chapters" (免费章节干净、付费章节低俗). Platforms
let readers try the first chapters free; a work built to pass a spot check keeps those clean and puts the
vulgar text behind the paywall. Precisely: order the numbered chapters by number; the first
:attr:`BookRules.free_chapters` (K) are the *free* ones and the rest the *later* ones. The flag is raised when
there is at least one later chapter, **every** free chapter passed, and at least
:attr:`BookRules.min_vulgar_later` (M) later chapters are *vulgar*. Chapters without a number take no part
(their place in the book is unknown).

``teaser_drainage`` — "teaser chapter + drainage" (引流章节). One chapter carries a drainage target (a contact
handle, a QR code, a "read the original" link flagged as drainage: any ``illicit_ad/drainage`` label or a
drainage signal) *and* vulgar text: a teaser that pushes readers somewhere else. The flag lists every such
chapter.

A chapter is **vulgar** when its decision is ``review`` or ``block`` in the ``porn`` category, or its ``porn``
score reaches :attr:`BookRules.vulgar_score` whatever the verdict (drainage often outranks porn as the
decision's category, and the teaser is still vulgar).

Everything here is a function of its arguments: no clock, no database. The service
(:mod:`qinglang.services.books`) reads the chapters and stores what :func:`roll_up` returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qinglang.domain.model import Category, Verdict

DRAINAGE_LABEL = "illicit_ad/drainage"


class BookStatus(StrEnum):
    """Whether the platform may show the book: a ``take_down_book`` action moves it off the shelves."""

    ON_SHELF = "on_shelf"
    OFF_SHELF = "off_shelf"


class BookFlagKind(StrEnum):
    FREE_THEN_VULGAR = "free_then_vulgar"
    TEASER_DRAINAGE = "teaser_drainage"


@dataclass(frozen=True, slots=True)
class BookRules:
    """The thresholds of the two patterns (see the module docstring)."""

    free_chapters: int = 3  # K: how many leading chapters a reader gets free
    min_vulgar_later: int = 2  # M: vulgar later chapters needed to raise free_then_vulgar
    vulgar_score: float = 0.5  # a porn score at or above this makes a chapter vulgar whatever its verdict


@dataclass(frozen=True, slots=True)
class ChapterDecision:
    """One chapter's current decision, as the roll-up needs it."""

    content_id: str
    chapter: int | None
    verdict: Verdict
    category: Category
    scores: Mapping[str, float] = field(default_factory=dict)
    drainage: bool = False  # the decision carries a drainage label or target

    @property
    def flagged(self) -> bool:
        return self.verdict is not Verdict.PASS

    @property
    def max_score(self) -> float:
        return max((float(v) for k, v in self.scores.items() if k != Category.NONE), default=0.0)

    def vulgar(self, rules: BookRules) -> bool:
        porn_flagged = self.flagged and self.category is Category.PORN
        return porn_flagged or float(self.scores.get(Category.PORN, 0.0)) >= rules.vulgar_score


@dataclass(frozen=True, slots=True)
class BookFlag:
    kind: BookFlagKind
    chapters: tuple[int | None, ...]
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "chapters": list(self.chapters), "explanation": self.explanation}


@dataclass(frozen=True, slots=True)
class BookRisk:
    """The roll-up of a book's chapters: counts, the worst of them, and the patterns flagged."""

    chapters: int
    flagged: int
    review: int
    block: int
    worst_verdict: Verdict
    worst_category: Category
    max_score: float
    flags: tuple[BookFlag, ...] = ()

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.chapters if self.chapters else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"chapters": self.chapters, "flagged": self.flagged, "review": self.review, "block": self.block,
                "flagged_share": round(self.flagged_share, 4), "worst_verdict": self.worst_verdict.value,
                "worst_category": self.worst_category.value, "max_score": round(self.max_score, 4),
                "flags": [f.to_dict() for f in self.flags]}


def roll_up(chapters: Iterable[ChapterDecision], rules: BookRules = BookRules()) -> BookRisk:
    """The risk of a book from its chapters' current decisions (an empty book is a clean one)."""
    listed = list(chapters)
    worst = max(listed, key=_severity, default=None)
    return BookRisk(
        chapters=len(listed),
        flagged=sum(c.flagged for c in listed),
        review=sum(c.verdict is Verdict.REVIEW for c in listed),
        block=sum(c.verdict is Verdict.BLOCK for c in listed),
        worst_verdict=worst.verdict if worst is not None else Verdict.PASS,
        worst_category=worst.category if worst is not None and worst.flagged else Category.NONE,
        max_score=max((c.max_score for c in listed), default=0.0),
        flags=tuple(f for f in (free_then_vulgar(listed, rules), teaser_drainage(listed, rules)) if f is not None),
    )


def _severity(chapter: ChapterDecision) -> tuple[int, float, str]:
    return chapter.verdict.rank, chapter.max_score, chapter.category.value  # a total order: arrival never matters


def reading_order(chapter: ChapterDecision) -> tuple[int, str, int, str, float]:
    """By number; two stored contents claiming one number are ordered by id, then by decision, so the roll-up
    never depends on the order the chapters arrived in."""
    porn = float(chapter.scores.get(Category.PORN, 0.0))
    return chapter.chapter or 0, chapter.content_id, chapter.verdict.rank, chapter.category.value, porn


def free_then_vulgar(chapters: Sequence[ChapterDecision], rules: BookRules = BookRules()) -> BookFlag | None:
    """The ``free_then_vulgar`` flag, or ``None``: the first K numbered chapters all pass and at least M of the
    later ones are vulgar."""
    numbered = sorted((c for c in chapters if c.chapter is not None), key=reading_order)
    free, later = numbered[: rules.free_chapters], numbered[rules.free_chapters:]
    if not later or any(c.flagged for c in free):
        return None
    vulgar = tuple(c.chapter for c in later if c.vulgar(rules))
    if len(vulgar) < max(rules.min_vulgar_later, 1):
        return None
    return BookFlag(BookFlagKind.FREE_THEN_VULGAR, vulgar,
                    f"the first {len(free)} chapters pass; {len(vulgar)} of the {len(later)} later chapters are "
                    f"vulgar (chapters {_numbers(vulgar)})")


def teaser_drainage(chapters: Sequence[ChapterDecision], rules: BookRules = BookRules()) -> BookFlag | None:
    """The ``teaser_drainage`` flag, or ``None``: every chapter that carries drainage next to vulgar text."""
    teasers = tuple(sorted((c.chapter for c in chapters if c.drainage and c.vulgar(rules)), key=_order))
    if not teasers:
        return None
    return BookFlag(BookFlagKind.TEASER_DRAINAGE, teasers,
                    f"{len(teasers)} chapter(s) carry a drainage target next to vulgar text (chapters "
                    f"{_numbers(teasers)})")


def _order(number: int | None) -> tuple[int, int]:
    return (1, 0) if number is None else (0, number)


def _numbers(numbers: Sequence[int | None]) -> str:
    return ", ".join("?" if n is None else str(n) for n in numbers)


def is_drainage(labels: Iterable[str]) -> bool:
    """Whether a decision's labels name drainage (``illicit_ad/drainage`` or any ``drainage/...`` signal)."""
    return any(label == DRAINAGE_LABEL or label.startswith(("drainage/", f"{DRAINAGE_LABEL}/")) for label in labels)
