"""Console pages for books: the list (optionally only the flagged ones), one book with its chapters' verdicts,
its roll-up and its flags, and the button that takes the whole book off the shelves.

Anyone signed in reads them; the take-down form is for reviewers and above (``user: Reviewer``) and asks for a
reason and a confirmation. The service (``services.book_actions``) applies one ``take_down_book`` action through
the ordinary action path; a second press is refused with ``book_status_unchanged``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import AnyUser, ConsoleRoute, Reviewer
from qinglang.console.render import render
from qinglang.domain.values import MAX_ID, require_text
from qinglang.services import books
from qinglang.services.book_actions import take_down_book
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
BookId = Annotated[str, Path(min_length=1, max_length=128)]


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/books")
def books_page(request: Request, user: AnyUser, flagged: str = "",
               account: Annotated[str, Query(max_length=128)] = "") -> Response:
    require_text(account, "account")
    with transaction(_rt(request).sessions) as session:
        items = books.list_books(session, flagged=True if flagged == "1" else None, account_id=account or None,
                                 limit=books.MAX_PAGE)
    return render(request, "books.html", user=user, books=items, only_flagged=flagged == "1")


@router.get("/console/books/{book_id}")
def book_page(request: Request, book_id: BookId, user: AnyUser, action: Annotated[int, Query(ge=0, le=MAX_ID)] = 0
              ) -> Response:
    with transaction(_rt(request).sessions) as session:
        view = books.get_book(session, book_id)
    return render(request, "book.html", user=user, view=view, risk=view.risk, done=action)


@router.post("/console/books/{book_id}/take-down")
def take_down(request: Request, book_id: BookId, user: Reviewer, reason: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        action = take_down_book(session, book_id, user, reason, review=_rt(request).settings.review)
    return RedirectResponse(f"/console/books/{book_id}?action={action.id}", status_code=303)
