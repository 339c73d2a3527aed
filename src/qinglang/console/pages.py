"""Reviewer pages: sign-in, queue, case, decisions. Each handler parses the form, calls one service, renders.

Handlers are plain functions (FastAPI runs them in its thread pool, off the event loop); who may call them is
in their signature (``user: Reviewer`` ...; see ``guard``)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qinglang.console.guard import AnyUser, ConsoleRoute, Reviewer, Senior
from qinglang.console.highlight import highlight, qr_targets
from qinglang.console.render import render
from qinglang.console.session import end_session_cookie, set_session_cookie
from qinglang.console.signin import sign_in
from qinglang.console.training import rule_descriptions
from qinglang.domain.model import ContentItem
from qinglang.domain.review import ACTIONS, CHOICES, QUEUES, ActionKind, CaseSource, CaseStatus, ReviewerRole
from qinglang.domain.review.scoring import time_left
from qinglang.domain.values import MAX_ID
from qinglang.errors import Conflict, InvalidInput, QinglangError, Unauthorized
from qinglang.services import books, idempotency
from qinglang.services.review import calibration, decisions, notes, queries, queue, reports, search, sessions, users
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
SEVERE = frozenset(k.value for k, spec in ACTIONS.items() if spec.severe or spec.lasts_days)  # asked to confirm


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


Param = Annotated[str | None, Query(max_length=64)]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _number(value: str | None, name: str, default: int | None = None) -> int | None:
    value = _blank(value)
    if value is None:
        return default
    if not value.isdigit() or len(value) > 6:
        raise InvalidInput(f"{name} must be a whole number", code="invalid_request")
    return int(value)


@router.get("/console")
def queue_page(request: Request, user: AnyUser, queue_name: Param = None, severity: Param = None, sla: Param = None,
               source: Param = None, assignee: Param = None, status: Param = None, sort: Param = None,
               page: Param = None) -> Response:
    """The queue: filters (category, severity, SLA, source, assignee, status), a sort, and pages of 50."""
    wanted = search.QueueFilter(queue=_blank(queue_name), severity=_number(severity, "severity"), sla=_blank(sla),
                                source=_blank(source), assignee=_blank(assignee), status=_blank(status) or "open_all",
                                sort=_blank(sort) or "priority", page=_number(page, "page", 1),
                                calibration_visible=user.rank >= ReviewerRole.LEAD.rank)
    with transaction(_rt(request).sessions) as session:
        found = search.queue_page(session, wanted, user_id=user.id)
        counts = queries.queue_counts(session)
        reviewers = [u.username for u in users.list_users(session) if u.role != "auditor"]
    now = utcnow()
    items = [(c, time_left(c.sla_due_at, now)) for c in found.items]
    params = {k: v for k, v in (("queue_name", wanted.queue), ("severity", wanted.severity), ("sla", wanted.sla),
                                ("source", wanted.source), ("assignee", wanted.assignee),
                                ("status", None if wanted.status == "open_all" else wanted.status),
                                ("sort", None if wanted.sort == "priority" else wanted.sort)) if v}
    return render(request, "queue.html", user=user, items=items, counts=counts, found=found, wanted=wanted,
                  params=params, query=urlencode(params), reviewers=reviewers, queues=QUEUES, sorts=search.SORTS,
                  slas=search.SLA, statuses=search.STATUSES,
                  sources=search.SOURCES if wanted.calibration_visible else search.VISIBLE_SOURCES)


@router.get("/console/search")
def search_page(request: Request, user: AnyUser, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """One box: case id, content id or text, account, tracking code, contact handle, QR payload, domain."""
    with transaction(_rt(request).sessions) as session:
        results = search.search(session, q)
        case_of = search.open_case_ids(session, [c.content_id for c in results.contents]
                                       + [a[0] for a in results.accounts])
        outcomes = {c.id: calibration.shown_outcome(session, c, user.rank) for c in results.cases}
    return render(request, "search.html", user=user, results=results, case_of=case_of, q=q, outcomes=outcomes)


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
        case_notes = notes.list_notes(session, case_id)
        outcome = calibration.shown_outcome(session, view.case, user.rank)
        book_id = books.find_book_of(session, view.case.target_kind, view.case.target_id)
        people = users.list_users(session)
        assignable = [u for u in people if u.role != "auditor"] if user.rank >= ReviewerRole.SENIOR.rank else []
    case = view.case
    if case.source == CaseSource.CALIBRATION and decision is None:  # look like a real case: screen its text now
        decision, evidence = _screened(request, view)
        view = replace(view, evidence=evidence or view.evidence)
    hl = highlight(view.title, view.text, view.evidence)
    mine = case.claimed_by == user.id and case.status == CaseStatus.CLAIMED
    return render(request, "case.html", user=user, view=view, case=case, segments=hl.text, hits=hl.hits,
                  source=calibration.shown_source(case.source, user.rank), outcome=outcome,
                  title_segments=hl.title, qr=qr_targets(view.evidence), left=time_left(case.sla_due_at, utcnow()),
                  mine=mine, choices=CHOICES, once=secrets.token_urlsafe(16), decision=decision,
                  rules=rule_descriptions(request, decision.rules) if decision else [], notes=case_notes,
                  assignable=assignable, holder=_name(people, case.claimed_by), severe=SEVERE, book_id=book_id)


def _screened(request: Request, view):
    """The automatic decision and evidence of a calibration case's own title and text, screened now."""
    item = ContentItem(id=view.case.target_id, title=view.title, text=view.text)
    return queries.screened_now(_rt(request).screening.screen(item).decision)


def _name(people, user_id: int | None) -> str | None:
    return next((u.username for u in people if u.id == user_id), None) if user_id else None


@router.post("/console/cases/{case_id}/notes")
def add_note(request: Request, case_id: Id, user: Reviewer, text: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        notes.add_note(session, case_id, user, text)
    return RedirectResponse(f"/console/cases/{case_id}#notes", status_code=303)


@router.post("/console/cases/{case_id}/assign")
def assign_case(request: Request, case_id: Id, user: Senior, to: str = Form("")) -> Response:
    """Assign (or reassign) the case to a reviewer by user name."""
    with transaction(_rt(request).sessions) as session:
        target = users.get_user_by_name(session, to.strip())
        queue.assign(session, case_id, user, target, certification=_rt(request).settings.certification)
    return RedirectResponse(f"/console/cases/{case_id}?assigned=1", status_code=303)


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
