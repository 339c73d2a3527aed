"""Reviewer pages: sign-in, queue, case, decisions. Each handler parses the form, calls one service, renders."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import EVERYONE, REVIEWERS, handle
from qinglang.console.highlight import qr_targets, segments
from qinglang.console.render import render
from qinglang.console.session import end_session, start_session
from qinglang.errors import QinglangError, Unauthorized
from qinglang.services.review import audit, cases, decisions, queue, reports, users
from qinglang.services.review.scoring import time_left
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False)


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/login")
def login_form(request: Request, next: str = "/console") -> Response:
    return render(request, "login.html", next=next, error=None, user=None)


@router.post("/console/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/console")):
    try:
        with transaction(_rt(request).sessions) as session:
            user = users.sign_in(session, username, password)
        if user is None:
            raise Unauthorized("wrong user name or password", code="login_failed")
    except QinglangError as exc:
        return render(request, "login.html", status_code=exc.status, next=next, error=exc, user=None)
    target = next if next.startswith("/console") else "/console"
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, user.id)
    return response


@router.post("/console/logout")
async def logout(request: Request) -> Response:
    async def body(user, data):
        with transaction(_rt(request).sessions) as session:
            audit.record(session, user.actor, "user.logout", "review_user", user.id)
        response = RedirectResponse("/console/login", status_code=303)
        end_session(response)
        return response

    return await handle(request, EVERYONE, body)


@router.get("/console")
async def queue_page(request: Request, queue_name: str | None = None) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            rows = cases.list_queue(session, queue=queue_name)
            counts = cases.queue_counts(session)
        now = utcnow()
        items = [(c, time_left(c.sla_due_at, now)) for c in rows]
        return render(request, "queue.html", user=user, csrf=data["csrf"], items=items, counts=counts)

    return await handle(request, EVERYONE, body)


@router.post("/console/claim")
async def claim_next(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            case = queue.claim_next(session, user, lease_seconds=_rt(request).settings.review.lease_seconds)
        return RedirectResponse(f"/console/cases/{case.id}" if case else "/console?empty=1", status_code=303)

    return await handle(request, REVIEWERS, body)


@router.post("/console/cases/{case_id}/claim")
async def claim_case(request: Request, case_id: int) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            queue.claim_case(session, case_id, user, lease_seconds=_rt(request).settings.review.lease_seconds)
        return RedirectResponse(f"/console/cases/{case_id}", status_code=303)

    return await handle(request, REVIEWERS, body)


@router.get("/console/cases/{case_id}")
async def case_page(request: Request, case_id: int) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            view = cases.case_view(session, case_id)
        text_segments, hits = segments(view.text, view.evidence)
        title_segments, title_hits = segments(view.title, view.evidence, field="title")
        return render(request, "case.html", user=user, csrf=data["csrf"], view=view, case=view.case,
                      segments=text_segments, hits=hits, title_segments=title_segments, title_hits=title_hits,
                      qr=qr_targets(view.evidence), left=time_left(view.case.sla_due_at, utcnow()),
                      mine=view.case.claimed_by == user.id and view.case.status == "claimed",
                      choices=decisions.CHOICES)

    return await handle(request, EVERYONE, body)


@router.post("/console/cases/{case_id}/decide")
async def decide(request: Request, case_id: int) -> Response:
    async def body(user, data):
        form = await request.form()
        params = {"days": int(form.get("days") or 7)} if form.get("choice") == "suspend" else {}
        with transaction(_rt(request).sessions) as session:
            decisions.decide(session, case_id, user, str(form.get("choice", "")), str(form.get("reason", "")),
                             review=_rt(request).settings.review, params=params)
        return RedirectResponse(f"/console/cases/{case_id}?done=1", status_code=303)

    return await handle(request, REVIEWERS, body)


@router.post("/console/cases/{case_id}/release")
async def release(request: Request, case_id: int) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            queue.release(session, cases.get_case(session, case_id), user)
        return RedirectResponse("/console", status_code=303)

    return await handle(request, REVIEWERS, body)


@router.get("/console/media/{media_id}")
async def media(request: Request, media_id: int) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            item = reports.get_media(session, media_id)
        return Response(item.data, media_type=item.mime, headers={"Cache-Control": "private, max-age=600",
                                                                   "X-Content-Type-Options": "nosniff"})

    return await handle(request, EVERYONE, body)

