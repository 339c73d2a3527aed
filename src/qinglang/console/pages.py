"""Reviewer pages: sign-in, queue, case, decisions. Each handler parses the form, calls one service, renders.

Handlers are plain functions (FastAPI runs them in its thread pool, off the event loop); who may call them is
in their signature (``user: Reviewer`` ...; see ``guard``)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import AnyUser, ConsoleRoute, Reviewer
from qinglang.console.highlight import highlight, qr_targets
from qinglang.console.render import render
from qinglang.console.session import end_session_cookie, set_session_cookie
from qinglang.console.signin import sign_in
from qinglang.console.training import rule_descriptions
from qinglang.domain.review import CHOICES, ActionKind, CaseStatus
from qinglang.domain.review.scoring import time_left
from qinglang.domain.values import MAX_ID
from qinglang.errors import Conflict, InvalidInput, QinglangError, Unauthorized
from qinglang.services import idempotency
from qinglang.services.review import decisions, queries, queue, reports, sessions
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/login")
def login_form(request: Request, next: str = "/console") -> Response:
    return render(request, "login.html", next=next, error=None, user=None)


@router.post("/console/login")
async def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/console")):
    try:
        user = await sign_in(request, username, password)
        if user is None:
            raise Unauthorized("wrong user name or password", code="login_failed")
    except QinglangError as exc:
        page = render(request, "login.html", status_code=exc.status, next=next, error=exc, user=None)
        if exc.details.get("retry_after_s"):
            page.headers["Retry-After"] = str(exc.details["retry_after_s"])
        return page

    def open_session() -> str:
        with transaction(_rt(request).sessions) as session:
            return sessions.open_session(session, user, hours=_rt(request).settings.security.session_hours)[0]

    token = await run_in_threadpool(open_session)
    target = next if next.startswith("/console") and not next.startswith("//") else "/console"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/console/logout")
def logout(request: Request, user: AnyUser) -> Response:
    with transaction(_rt(request).sessions) as session:
        sessions.revoke(session, request.state.signed_in)
    response = RedirectResponse("/console/login", status_code=303)
    end_session_cookie(response)
    return response


@router.get("/console")
def queue_page(request: Request, user: AnyUser, queue_name: str | None = None) -> Response:
    with transaction(_rt(request).sessions) as session:
        rows = queries.list_queue(session, queue=queue_name)
        counts = queries.queue_counts(session)
    now = utcnow()
    items = [(c, time_left(c.sla_due_at, now)) for c in rows]
    return render(request, "queue.html", user=user, items=items, counts=counts)


@router.post("/console/claim")
def claim_next(request: Request, user: Reviewer) -> Response:
    with transaction(_rt(request).sessions) as session:
        case = queue.claim_next(session, user, lease_seconds=_rt(request).settings.review.lease_seconds,
                                certification=_rt(request).settings.certification)
    return RedirectResponse(f"/console/cases/{case.id}" if case else "/console?empty=1", status_code=303)


@router.post("/console/cases/{case_id}/claim")
def claim_case(request: Request, case_id: Id, user: Reviewer) -> Response:
    with transaction(_rt(request).sessions) as session:
        queue.claim_case(session, case_id, user, lease_seconds=_rt(request).settings.review.lease_seconds,
                         certification=_rt(request).settings.certification)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.get("/console/cases/{case_id}")
def case_page(request: Request, case_id: Id, user: AnyUser) -> Response:
    with transaction(_rt(request).sessions) as session:
        view = queries.case_detail(session, case_id)
        decision = queries.current_decision(session, view.case.target_id) if view.case.target_kind == "content" \
            else None
    case = view.case
    hl = highlight(view.title, view.text, view.evidence)
    mine = case.claimed_by == user.id and case.status == CaseStatus.CLAIMED
    return render(request, "case.html", user=user, view=view, case=case, segments=hl.text, hits=hl.hits,
                  title_segments=hl.title, qr=qr_targets(view.evidence), left=time_left(case.sla_due_at, utcnow()),
                  mine=mine, choices=CHOICES, once=secrets.token_urlsafe(16), decision=decision,
                  rules=rule_descriptions(request, decision.rules) if decision else [])


@router.post("/console/cases/{case_id}/decide")
def decide(request: Request, case_id: Id, user: Reviewer, choice: str = Form(""), reason: str = Form(""),
           days: str = Form(""), once: str = Form("")) -> Response:
    """A decision, once: the page's one-time token makes a second submit of the same form replay the first."""
    params = {"days": days} if choice == ActionKind.SUSPEND else {}
    done = {"location": f"/console/cases/{case_id}?done=1"}

    def work(session):
        decisions.decide(session, case_id, user, choice, reason, review=_rt(request).settings.review, params=params,
                         certification=_rt(request).settings.certification)
        return 303, done

    request_body = {"case": case_id, "choice": choice, "reason": reason, "days": days}
    try:
        answer = idempotency.once(_rt(request).sessions, f"console-decide:{user.id}", once or None, request_body, work)
    except InvalidInput as exc:
        if exc.code != "idempotency_key_reused":
            raise
        raise Conflict("this form was already submitted with another answer; reload the case to see what was "
                       "decided", code="form_already_submitted") from None
    return RedirectResponse(answer.body["location"], status_code=303)


@router.post("/console/cases/{case_id}/release")
def release(request: Request, case_id: Id, user: Reviewer) -> Response:
    with transaction(_rt(request).sessions) as session:
        queue.release(session, case_id, user)
    return RedirectResponse("/console", status_code=303)


@router.get("/console/media/{media_id}")
def media(request: Request, media_id: Id, user: AnyUser) -> Response:
    with transaction(_rt(request).sessions) as session:
        item = reports.get_media(session, media_id)
    return Response(item.data, media_type=item.mime, headers={"Cache-Control": "private, max-age=600",
                                                     "X-Content-Type-Options": "nosniff"})
