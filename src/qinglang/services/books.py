"""Books: keep each book's row true to its chapters, and move it on and off the shelves.

1. **Read the chapters.** A book's chapters are the newest stored version of every content whose ``book_id`` is
   the book's id, each with its current decision (a reviewer's decision outranks the policy's) and whether its
   signals name drainage.
2. **Roll up** with the pure :func:`qinglang.domain.books.roll_up`.
3. **Store** the result on the ``books`` row by compare-and-set on its ``version``. Two chapters of one book
   stored at once both refresh the row: the second writer's ``WHERE version = :seen`` no longer matches, so it
   reads the chapters again (now including the first writer's) and retries; neither roll-up is lost.

:func:`refresh_book` runs in the transaction that stores a chapter (``services.contents``) and in the one that
records a reviewer's decision on a chapter (``services.review.cases``); ``qinglang book refresh`` reruns it
over every book. :func:`set_status` is the effect of the ``take_down_book`` action and of its reversal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.domain.books import BookRisk, BookRules, BookStatus, ChapterDecision, is_drainage, reading_order, roll_up
from qinglang.domain.model import Category, Verdict
from qinglang.domain.values import require_text
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.storage.atomic import compare_and_set, insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.books import BookRow
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow

MAX_CAS_ATTEMPTS = 5
MAX_PAGE = 200
DEFAULT_RULES = BookRules()


@dataclass(frozen=True, slots=True)
class ChapterView:
    content_id: str
    chapter: int | None
    title: str
    account_id: str | None
    verdict: str
    category: str
    max_score: float
    drainage: bool


@dataclass(frozen=True, slots=True)
class BookSummary:
    id: str
    account_id: str | None
    title: str
    status: str
    chapters: int
    worst_verdict: str
    max_score: float
    flagged: bool
    flags: tuple[str, ...]
    version: int


@dataclass(frozen=True, slots=True)
class BookView:
    book: BookSummary
    risk: dict[str, Any]
    chapters: tuple[ChapterView, ...]


def refresh_book(session: Session, book_id: str, rules: BookRules = DEFAULT_RULES) -> BookRow:
    """Recompute one book's roll-up from its chapters and store it (created on its first chapter)."""
    for _ in range(MAX_CAS_ATTEMPTS):
        row = _ensure_row(session, book_id)
        chapters = _chapters(session, book_id)
        risk = roll_up([c for c, _ in chapters], rules)
        values = {**_risk_columns(risk), "account_id": _account_of(chapters) or row.account_id,
                  "version": row.version + 1, "updated_at": utcnow()}
        if compare_and_set(session, BookRow, book_id, {"version": row.version}, values):
            session.refresh(row)
            return row
        session.expire(row)
    raise Conflict(f"book {book_id!r} kept changing while its roll-up was computed; retry", code="book_busy")


def refresh_for_content(session: Session, content_id: str) -> None:
    """Refresh the book of a content's newest version, if it belongs to one (after a reviewer's decision)."""
    book_id = session.scalar(select(ContentVersionRow.book_id).where(ContentVersionRow.content_id == content_id)
                             .order_by(ContentVersionRow.pk.desc()).limit(1))
    if book_id:
        refresh_book(session, book_id)


def refresh_all(session: Session, rules: BookRules = DEFAULT_RULES) -> int:
    """Recompute every book that has a chapter stored; the number of books."""
    ids = session.scalars(select(ContentVersionRow.book_id).where(ContentVersionRow.book_id.is_not(None))
                          .distinct().order_by(ContentVersionRow.book_id)).all()
    for book_id in ids:
        refresh_book(session, book_id, rules)
    return len(ids)


def _ensure_row(session: Session, book_id: str) -> BookRow:
    now = utcnow()
    insert_or_nothing(session, BookRow, {"id": book_id, "title": "", "status": BookStatus.ON_SHELF, "chapters": 0,
                                         "worst_verdict": Verdict.PASS.value, "max_score": 0.0, "flagged": False,
                                         "risk": {}, "version": 0, "created_at": now, "updated_at": now})
    row = session.get(BookRow, book_id, populate_existing=True)
    assert row is not None  # inserted just now or already there
    return row


def _risk_columns(risk: BookRisk) -> dict[str, Any]:
    return {"chapters": risk.chapters, "worst_verdict": risk.worst_verdict.value, "max_score": risk.max_score,
            "flagged": bool(risk.flags), "risk": risk.to_dict()}


def _account_of(chapters: Sequence[tuple[ChapterDecision, ContentVersionRow]]) -> str | None:
    return next((v.account_id for _, v in chapters if v.account_id), None)


def _chapters(session: Session, book_id: str) -> list[tuple[ChapterDecision, ContentVersionRow]]:
    newest = (select(func.max(ContentVersionRow.pk)).where(ContentVersionRow.book_id == book_id)
              .group_by(ContentVersionRow.content_id).scalar_subquery())
    versions = session.scalars(select(ContentVersionRow).where(ContentVersionRow.pk.in_(newest))).all()
    pks = [v.pk for v in versions]
    decisions = {d.content_version_id: d for d in session.scalars(
        select(DecisionRow).where(DecisionRow.content_version_id.in_(pks), DecisionRow.is_current.is_(True))
        .order_by(DecisionRow.id))}
    labels: dict[int, list[str]] = {}
    for pk, label in session.execute(select(SignalRow.content_version_id, SignalRow.label)
                                     .where(SignalRow.content_version_id.in_(pks))):
        labels.setdefault(pk, []).append(label)
    found = [(_chapter(v, decisions.get(v.pk), labels.get(v.pk, [])), v) for v in versions]
    return sorted(found, key=lambda pair: (pair[0].chapter is None, reading_order(pair[0])))


def _chapter(version: ContentVersionRow, decision: DecisionRow | None, signal_labels: list[str]) -> ChapterDecision:
    if decision is None:  # stored without a decision (an import): counts as not yet screened, i.e. clean
        return ChapterDecision(version.content_id, version.chapter, Verdict.PASS, Category.NONE, {},
                               is_drainage(signal_labels))
    decision_labels = [str(label.get("label", "")) for label in decision.labels or [] if isinstance(label, dict)]
    return ChapterDecision(version.content_id, version.chapter, Verdict(decision.verdict),
                           _category(decision.category), dict(decision.scores or {}),
                           is_drainage([*decision_labels, *signal_labels]))


def _category(value: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        return Category.NONE


# --- shelf status --------------------------------------------------------------------------------------------


def set_status(session: Session, book_id: str, status: BookStatus, *, actor: str, reason: str) -> BookRow:
    """Move a book on or off the shelves by compare-and-set on its version; audited. Refused with
    ``book_status_unchanged`` when it is already there (another reviewer came first)."""
    for _ in range(MAX_CAS_ATTEMPTS):
        row = get_book_row(session, book_id)
        if row.status == status:
            raise Conflict(f"book {book_id!r} is already {status.value}", code="book_status_unchanged")
        if compare_and_set(session, BookRow, book_id, {"version": row.version},
                           {"status": status.value, "version": row.version + 1, "updated_at": utcnow()}):
            session.refresh(row)
            append_audit_event(session, actor, f"book.{status.value}", "book", book_id, {"reason": reason})
            return row
    raise Conflict(f"book {book_id!r} kept changing while it was being moved; retry", code="book_busy")


def get_book_row(session: Session, book_id: str) -> BookRow:
    require_text(book_id, "book_id")
    row = session.get(BookRow, book_id, populate_existing=True)
    if row is None:
        raise NotFound(f"no book {book_id!r}: a book exists once one of its chapters is stored with this book_id",
                       code="book_not_found")
    return row


def find_book_of(session: Session, target_kind: str, target_id: str) -> str | None:
    """The book a case target is or belongs to (a book, or a chapter's book), ``None`` for anything else."""
    if target_kind == "book":
        return target_id
    if target_kind != "content":
        return None
    return session.scalar(select(ContentVersionRow.book_id).where(ContentVersionRow.content_id == target_id)
                          .order_by(ContentVersionRow.pk.desc()).limit(1))


def book_of_content(session: Session, content_id: str) -> str:
    """The book a content's newest version belongs to; ``content_not_in_book`` when it has none."""
    book_id = session.scalar(select(ContentVersionRow.book_id).where(ContentVersionRow.content_id == content_id)
                             .order_by(ContentVersionRow.pk.desc()).limit(1))
    if not book_id:
        raise InvalidInput(f"content {content_id!r} is not a chapter of a book", code="content_not_in_book")
    return book_id


# --- views ---------------------------------------------------------------------------------------------------


def get_book(session: Session, book_id: str) -> BookView:
    """A book with its roll-up and its chapters in reading order (unnumbered chapters last)."""
    row = get_book_row(session, book_id)
    chapters = tuple(_chapter_view(c, v) for c, v in _chapters(session, book_id))
    return BookView(book_summary(row), dict(row.risk or {}), chapters)


def _chapter_view(chapter: ChapterDecision, version: ContentVersionRow) -> ChapterView:
    return ChapterView(chapter.content_id, chapter.chapter, version.title, version.account_id, chapter.verdict.value,
                       chapter.category.value, round(chapter.max_score, 4), chapter.drainage)


def book_summary(row: BookRow) -> BookSummary:
    flags = tuple(str(f.get("kind")) for f in (row.risk or {}).get("flags", []) if isinstance(f, dict))
    return BookSummary(row.id, row.account_id, row.title, row.status, row.chapters, row.worst_verdict,
                       round(row.max_score, 4), row.flagged, flags, row.version)


def list_books(session: Session, *, flagged: bool | None = None, status: str | None = None,
               account_id: str | None = None, after: str | None = None, limit: int = 50) -> list[BookSummary]:
    """Books ordered by id, after the cursor ``after`` (the last id of the previous page)."""
    stmt = select(BookRow)
    if flagged is not None:
        stmt = stmt.where(BookRow.flagged.is_(flagged))
    if status is not None:
        stmt = stmt.where(BookRow.status == BookStatus(status).value)
    if account_id is not None:
        stmt = stmt.where(BookRow.account_id == account_id)
    if after:
        stmt = stmt.where(BookRow.id > after)
    rows = session.scalars(stmt.order_by(BookRow.id).limit(min(max(limit, 1), MAX_PAGE)))
    return [book_summary(r) for r in rows]
