"""Pages for editorial responsibility and oversight: approvals (two-person rule), appeals, rewards,
calibration and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from qinglang.console.guard import AUDIT_READERS, LEADS, REVIEWERS, SENIORS, handle
from qinglang.console.render import render
from qinglang.services.review import appeals, audit, calibration, decisions, rewards
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False)


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/approvals")
async def approvals_page(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            pending = decisions.list_pending_approvals(session)
        return render(request, "approvals.html", user=user, csrf=data["csrf"], approvals=pending)

    return await handle(request, SENIORS, body)


@router.post("/console/approvals/{approval_id}")
async def settle_approval(request: Request, approval_id: int) -> Response:
    async def body(user, data):
        form = await request.form()
        with transaction(_rt(request).sessions) as session:
            decisions.settle_approval(session, approval_id, user, form.get("verdict") == "approve",
                                      str(form.get("reason", "")), review=_rt(request).settings.review)
        return RedirectResponse("/console/approvals?done=1", status_code=303)

    return await handle(request, SENIORS, body)


@router.get("/console/appeals")
async def appeals_page(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            items = appeals.list_open_appeals(session)
        return render(request, "appeals.html", user=user, csrf=data["csrf"], appeals=items)

    return await handle(request, REVIEWERS, body)


@router.post("/console/appeals/{appeal_id}")
async def decide_appeal(request: Request, appeal_id: int) -> Response:
    async def body(user, data):
        form = await request.form()
        with transaction(_rt(request).sessions) as session:
            appeals.decide_appeal(session, appeal_id, user, form.get("verdict") == "overturn",
                                  str(form.get("reason", "")))
        return RedirectResponse("/console/appeals?done=1", status_code=303)

    return await handle(request, REVIEWERS, body)


@router.get("/console/rewards")
async def rewards_page(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            items = rewards.list_rewards(session)
        return render(request, "rewards.html", user=user, csrf=data["csrf"], rewards=items)

    return await handle(request, LEADS, body)


@router.post("/console/rewards/{reward_id}")
async def settle_reward(request: Request, reward_id: int) -> Response:
    async def body(user, data):
        form = await request.form()
        with transaction(_rt(request).sessions) as session:
            rewards.settle_reward(session, reward_id, user, form.get("verdict") == "approve")
        return RedirectResponse("/console/rewards", status_code=303)

    return await handle(request, LEADS, body)


@router.get("/console/calibration")
async def calibration_page(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            stats = calibration.agreement(session)
        return render(request, "calibration.html", user=user, csrf=data["csrf"], stats=stats)

    return await handle(request, LEADS, body)


@router.post("/console/calibration")
async def seed_calibration(request: Request) -> Response:
    async def body(user, data):
        form = await request.form()
        with transaction(_rt(request).sessions) as session:
            calibration.seed_known_answer(
                session, user, target_kind="content", target_id=str(form.get("target_id", "")),
                queue=str(form.get("queue", "porn")), known_answer=str(form.get("known_answer", "pass")),
                title=str(form.get("title", "")), body=str(form.get("body", "")), review=_rt(request).settings.review,
            )
        return RedirectResponse("/console/calibration?seeded=1", status_code=303)

    return await handle(request, LEADS, body)


@router.get("/console/audit")
async def audit_page(request: Request, before: int | None = None) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            events = audit.list_events(session, before_id=before)
            chain = audit.verify_chain(session)
        return render(request, "audit.html", user=user, csrf=data["csrf"], events=events, chain=chain)

    return await handle(request, AUDIT_READERS, body)


@router.get("/console/audit/export")
async def audit_export(request: Request) -> Response:
    def body(user, data):
        with transaction(_rt(request).sessions) as session:
            lines = [line + "\n" for line in audit.export_jsonl(session)]
            audit.record(session, user.actor, "audit.exported", "audit_log", "all", events=len(lines))
        return StreamingResponse(iter(lines), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": "attachment; filename=qinglang-audit.jsonl"})

    return await handle(request, AUDIT_READERS, body)
