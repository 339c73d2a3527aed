"""Compliance pages: the qualification queue, a licence and its decision, the account page, the operator page and
the excellent works of a period (with its CSV). Each handler reads one service view or calls one service function
and renders; every id on them is a link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import AnyUser, ConsoleRoute, Reviewer
from qinglang.console.i18n import pick_lang
from qinglang.console.render import render
from qinglang.services.qualification import excellent, licences, operators, pages, submissions
from qinglang.services.qualification.context import context_for
from qinglang.services.qualification.views import licence_view
from qinglang.services.statistics.dashboard import parse_range
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Key = Annotated[str, Path(min_length=1, max_length=128)]


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/qualification")
def queue_page(request: Request, user: AnyUser) -> Response:
    catalogue = context_for(_rt(request).settings).catalogue
    with transaction(_rt(request).sessions) as session:
        items = [licence_view(row, catalogue) for row in licences.queue(session)]
    return render(request, "qualification.html", user=user, items=items, now=utcnow())


@router.get("/console/licences/{licence_id}")
def licence_page(request: Request, licence_id: Id, user: AnyUser) -> Response:
    with transaction(_rt(request).sessions) as session:
        view = submissions.licence(session, _rt(request).settings, licence_id)
    mine = view.reviewer == f"reviewer:{user.id}"
    return render(request, "licence.html", user=user, licence=view, mine=mine)


@router.post("/console/licences/{licence_id}/decide")
def decide(request: Request, licence_id: Id, user: Reviewer, decision: str = Form(""),
           reason: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        submissions.decide(session, _rt(request).settings, licence_id, user, decision, reason)
    return RedirectResponse(f"/console/licences/{licence_id}", status_code=303)


@router.get("/console/accounts/{account_id}")
def account_page(request: Request, account_id: Key, user: AnyUser) -> Response:
    catalogue = context_for(_rt(request).settings).catalogue
    with transaction(_rt(request).sessions) as session:
        view = pages.account_page(session, account_id, catalogue)
    return render(request, "account.html", user=user, page=view)


@router.get("/console/operators/{operator_id}")
def operator_page(request: Request, operator_id: Key, user: AnyUser) -> Response:
    catalogue = context_for(_rt(request).settings).catalogue
    with transaction(_rt(request).sessions) as session:
        view = pages.operator_page(session, operator_id, catalogue)
    return render(request, "operator.html", user=user, page=view)


@router.post("/console/operators/{operator_id}/verify-identity")
def verify_identity(request: Request, operator_id: Key, user: Reviewer, reason: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        operators.verify_identity(session, operator_id, user.id, reason, actor=user.actor)
    return RedirectResponse(f"/console/operators/{operator_id}", status_code=303)


def _excellent(request: Request) -> excellent.ExcellentPage:
    zone = _rt(request).settings.statistics.time_zone
    first, last = parse_range(request.query_params.get("from"), request.query_params.get("to"), zone)
    with transaction(_rt(request).sessions) as session:
        return excellent.excellent_page(session, first, last, zone)


@router.get("/console/excellent")
def excellent_page(request: Request, user: AnyUser) -> Response:
    return render(request, "excellent.html", user=user, page=_excellent(request), codes=excellent.LEFT_OUT_CODES)


@router.get("/console/excellent.csv")
def excellent_csv(request: Request, user: AnyUser) -> Response:
    page = _excellent(request)
    data = excellent.to_csv(page, pick_lang(request.cookies.get("ql_lang")))
    name = f"qinglang-excellent-{page.first}-{page.last}.csv"
    return Response(data.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})
