"""Pages for editorial responsibility and oversight: approvals (two-person rule), appeals, rewards,
calibration and the audit log."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from qinglang.console.dashboard import list_response
from qinglang.console.guard import AuditReader, ConsoleRoute, Lead, Reviewer, Senior
from qinglang.console.render import render
from qinglang.domain.values import MAX_ID, require_text
from qinglang.errors import InvalidInput
from qinglang.services import audit
from qinglang.services.review import appeals, calibration, decisions, queries, rewards
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event, chain_head

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
AUDIT_PAGE_VERIFIES = 10_000  # events the audit page checks past the newest checkpoint, at most
EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/approvals")
def approvals_page(request: Request, user: Senior) -> Response:
    with transaction(_rt(request).sessions) as session:
        pending = queries.list_pending_approvals(session)
    return render(request, "approvals.html", user=user, approvals=pending)


@router.post("/console/approvals/{approval_id}")
def settle_approval(request: Request, approval_id: Id, user: Senior, verdict: str = Form(""),
                    reason: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        decisions.settle_approval(session, approval_id, user, verdict == "approve", reason,
                                  review=_rt(request).settings.review,
                                  certification=_rt(request).settings.certification)
    return RedirectResponse("/console/approvals?done=1", status_code=303)


@router.get("/console/appeals")
def appeals_page(request: Request, user: Reviewer) -> Response:
    if {"filed", "decided", "open_on"} & set(request.query_params):  # a dashboard figure's drill-down
        return list_response(request, user, "/console/appeals")
    with transaction(_rt(request).sessions) as session:
        items = queries.list_open_appeals(session)
    return render(request, "appeals.html", user=user, appeals=items)


@router.post("/console/appeals/{appeal_id}")
def decide_appeal(request: Request, appeal_id: Id, user: Reviewer, verdict: str = Form(""),
                  reason: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        appeals.decide_appeal(session, appeal_id, user, verdict == "overturn", reason)
    return RedirectResponse("/console/appeals?done=1", status_code=303)


@router.get("/console/rewards")
def rewards_page(request: Request, user: Lead) -> Response:
    if {"credited", "approved", "refused"} & set(request.query_params):
        return list_response(request, user, "/console/rewards")
    with transaction(_rt(request).sessions) as session:
        items = queries.list_rewards(session)
    return render(request, "rewards.html", user=user, rewards=items)


@router.post("/console/rewards/{reward_id}")
def settle_reward(request: Request, reward_id: Id, user: Lead, verdict: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        rewards.settle_reward(session, reward_id, user, verdict == "approve")
    return RedirectResponse("/console/rewards", status_code=303)


@router.get("/console/calibration")
def calibration_page(request: Request, user: Lead) -> Response:
    if "answered" in request.query_params:
        return list_response(request, user, "/console/calibration")
    with transaction(_rt(request).sessions) as session:
        stats = calibration.agreement(session)
    return render(request, "calibration.html", user=user, stats=stats)


@router.post("/console/calibration")
def seed_calibration(request: Request, user: Lead, target_id: str = Form(""), queue: str = Form("porn"),
                     known_answer: str = Form("pass"), title: str = Form(""), body: str = Form(""),
                     severity: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        calibration.seed_known_answer(session, user, target_kind="content", target_id=target_id, queue=queue,
                                      known_answer=known_answer, title=title, body=body,
                                      review=_rt(request).settings.review, severity=_severity(severity))
    return RedirectResponse("/console/calibration?seeded=1", status_code=303)


def _severity(value: str) -> int | None:
    """The calibration form's severity: blank is the queue's usual one; a number goes to the service, which
    refuses anything but 1, 2 or 3 (``calibration.SEVERITIES``)."""
    if not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput("severity must be 1, 2 or 3", code="invalid_request") from None


Actor = Annotated[str | None, Query(max_length=128)]
Kind = Annotated[str | None, Query(max_length=64)]
def _day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` form field; an empty one (the date input left blank) is no limit."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value[:12]!r} is not a day (YYYY-MM-DD)", code="invalid_date") from None


def _filter(actor: str | None, kind: str | None, since_text: str | None, until_text: str | None
            ) -> audit.AuditFilter:
    since, until = _day(since_text), _day(until_text)
    if since and until and since > until:
        raise InvalidInput("the first day comes after the last one", code="invalid_date_range")
    for value in (actor, kind):
        require_text(value or "", "filter")
    return audit.AuditFilter(actor=(actor or "").strip() or None, kind=(kind or "").strip() or None, since=since,
                             until=until)


@router.get("/console/audit")
def audit_page(request: Request, user: AuditReader,
               before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, actor: Actor = None, kind: Kind = None,
               since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
               until: Annotated[str | None, Query(alias="to", max_length=10)] = None) -> Response:
    """The newest events (narrowed by actor, kind and days), and the chain verified from the newest signed
    checkpoint (in this worker thread, a bounded number of events: never the whole chain on a page load)."""
    where = _filter(actor, kind, since, until)
    store = audit.checkpoint_store(_rt(request).settings)
    with transaction(_rt(request).sessions) as session:
        events = audit.list_events(session, before_seq=before, where=where)
        chain = audit.verify_recent(session, store, max_events=AUDIT_PAGE_VERIFIES)
        head = chain_head(session)
        kinds = audit.kinds(session)
    query = urlencode(where.to_dict())
    return render(request, "audit.html", user=user, events=events, chain=chain, head=head, where=where,
                  kinds=kinds, query=query)


@router.get("/console/audit/export")
def audit_export(request: Request, user: AuditReader, actor: Actor = None, kind: Kind = None,
                 since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
                 until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
                 format: Annotated[str, Query(max_length=8)] = "jsonl") -> Response:
    """The selected range as JSON lines or CSV. The export is audited first; with no filter its own event is
    the last line."""
    where = _filter(actor, kind, since, until)
    if format not in EXPORT_TYPES:
        raise InvalidInput("export format must be jsonl or csv", code="export_format_unknown")
    sessions = _rt(request).sessions
    with transaction(sessions) as session:
        through = chain_head(session).seq + 1  # this export's own event is the last line it may hold
        append_audit_event(session, user.actor, "audit.exported", "audit_log", "all",
                           {"through_seq": through, "format": format, **where.to_dict()})

    def lines():
        with transaction(sessions) as session:
            yield from audit.export_range(session, where, format, through_seq=through)

    name = "qinglang-audit" + "".join(f"-{v}" for k, v in where.to_dict().items() if k in ("from", "to"))
    return StreamingResponse(lines(), media_type=EXPORT_TYPES[format],
                             headers={"Content-Disposition": f"attachment; filename={name}.{format}"})
