"""Pages for editorial responsibility and oversight: approvals (two-person rule), appeals, rewards,
calibration and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from qinglang.console.dashboard import list_response
from qinglang.console.guard import AuditReader, ConsoleRoute, Lead, Reviewer, Senior
from qinglang.console.render import render
from qinglang.domain.values import MAX_ID
from qinglang.services import audit
from qinglang.services.review import appeals, calibration, decisions, queries, rewards
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event, chain_head

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
AUDIT_PAGE_VERIFIES = 10_000  # events the audit page checks past the newest checkpoint, at most


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
                                  review=_rt(request).settings.review)
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
                     known_answer: str = Form("pass"), title: str = Form(""), body: str = Form("")) -> Response:
    with transaction(_rt(request).sessions) as session:
        calibration.seed_known_answer(session, user, target_kind="content", target_id=target_id, queue=queue,
                                      known_answer=known_answer, title=title, body=body,
                                      review=_rt(request).settings.review)
    return RedirectResponse("/console/calibration?seeded=1", status_code=303)


@router.get("/console/audit")
def audit_page(request: Request, user: AuditReader,
               before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    """The newest events, and the chain verified from the newest signed checkpoint (in this worker thread, a
    bounded number of events: never the whole chain on a page load)."""
    store = audit.checkpoint_store(_rt(request).settings)
    with transaction(_rt(request).sessions) as session:
        events = audit.list_events(session, before_seq=before)
        chain = audit.verify_recent(session, store, max_events=AUDIT_PAGE_VERIFIES)
        head = chain_head(session)
    return render(request, "audit.html", user=user, events=events, chain=chain, head=head)


@router.get("/console/audit/export")
def audit_export(request: Request, user: AuditReader) -> Response:
    sessions = _rt(request).sessions
    with transaction(sessions) as session:
        through = chain_head(session).seq + 1  # this export's own event is the last line
        append_audit_event(session, user.actor, "audit.exported", "audit_log", "all", {"through_seq": through})

    def lines():
        with transaction(sessions) as session:
            for line in audit.export_jsonl(session, through_seq=through):
                yield line + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": "attachment; filename=qinglang-audit.jsonl"})
