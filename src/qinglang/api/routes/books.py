"""``/v1/books``: books (serialized works) with the roll-up of their chapters' decisions and the patterns flagged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from qinglang.api.auth import ContentsReadKey
from qinglang.api.fields import Text
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services import books
from qinglang.storage.db import transaction

router = APIRouter(tags=["books"], responses=ERROR_RESPONSES)
BookId = Annotated[Text, Path(min_length=1, max_length=128, description="the book_id its chapters carry")]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class BookSummaryOut(_Out):
    id: str
    account_id: str | None
    title: str
    status: str = Field(description="on_shelf or off_shelf")
    chapters: int
    worst_verdict: str
    max_score: float
    flagged: bool = Field(description="true when a chapter pattern (free_then_vulgar, teaser_drainage) is flagged")
    flags: list[str]
    version: int


class ChapterOut(_Out):
    content_id: str
    chapter: int | None
    title: str
    account_id: str | None
    verdict: str
    category: str
    max_score: float
    drainage: bool


class FlagOut(BaseModel):
    kind: str
    chapters: list[int | None]
    explanation: str


class RiskOut(BaseModel):
    chapters: int = 0
    flagged: int = 0
    review: int = 0
    block: int = 0
    flagged_share: float = 0.0
    worst_verdict: str = "pass"
    worst_category: str = "none"
    max_score: float = 0.0
    flags: list[FlagOut] = []


class BookOut(BaseModel):
    book: BookSummaryOut
    risk: RiskOut
    chapters: list[ChapterOut]


class BookPage(BaseModel):
    items: list[BookSummaryOut]
    next_after: str | None = Field(description="pass as `after` for the next page; null on the last page")


@router.get("/v1/books/{book_id}", response_model=BookOut, summary="A book, its chapters' decisions and its roll-up")
def get_book(book_id: BookId, request: Request, _key: ContentsReadKey):
    with transaction(request.app.state.runtime.sessions) as session:
        view = books.get_book(session, book_id)
    return BookOut(book=BookSummaryOut.model_validate(view.book), risk=RiskOut(**view.risk),
                   chapters=[ChapterOut.model_validate(c) for c in view.chapters])


@router.get("/v1/books", response_model=BookPage, summary="Books by id, optionally only the flagged ones")
def list_books(
    request: Request,
    _key: ContentsReadKey,
    flagged: bool | None = Query(None, description="true: only books with a flagged pattern"),
    status: Literal["on_shelf", "off_shelf"] | None = Query(None),
    account_id: Annotated[Text | None, Query(max_length=128)] = None,
    after: Annotated[Text | None, Query(max_length=128, description="the last book id of the previous page")] = None,
    limit: int = Query(50, ge=1, le=books.MAX_PAGE),
):
    with transaction(request.app.state.runtime.sessions) as session:
        items = books.list_books(session, flagged=flagged, status=status, account_id=account_id, after=after,
                                 limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return BookPage(items=[BookSummaryOut.model_validate(b) for b in items],
                    next_after=items[-1].id if more else None)
