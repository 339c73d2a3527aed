"""Console pages for sweeps: the list, one sweep grouped by reason, and a bulk decision on the selected cases.

The list is for leads and auditors (with a dashboard filter, ``?finished=``, it is the list behind the sweep
figures); a sweep's page and its bulk form are for leads (``user: Lead``). The bulk form posts the selected case ids, one choice and one reason; the service
decides each case through the ordinary claim-and-decide path (``services.sweep_decisions``).

A sweep the worker has not finished shows its status (queued, running) instead of the form; the status polls
``/console/sweeps/{id}/status`` every two seconds (htmx), whose answer for a finished sweep tells htmx to reload
the page (``HX-Refresh``), now with what the sweep found."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import RedirectResponse, Response

from qinglang.console.dashboard import list_response
from qinglang.console.guard import AuditReader, ConsoleRoute, Lead
from qinglang.console.render import render
from qinglang.domain.review import CHOICES
from qinglang.domain.sweeps import ReasonKind, SweepStatus
from qinglang.domain.values import MAX_ID
from qinglang.services import sweeps
from qinglang.services.sweep_decisions import decide_in_bulk
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _rt(request: Request):
    return request.app.state.runtime


@router.get("/console/sweeps")
def sweeps_page(request: Request, user: AuditReader) -> Response:
    if "finished" in request.query_params:  # a dashboard figure's drill-down
        return list_response(request, user, "/console/sweeps")
    with transaction(_rt(request).sessions) as session:
        views = sweeps.list_sweeps(session)
    return render(request, "sweeps.html", user=user, sweeps=views)


@router.get("/console/sweeps/{sweep_id}")
def sweep_page(request: Request, sweep_id: Id, user: Lead, decided: int = -1, pending: int = 0,
               refused: int = 0) -> Response:
    with transaction(_rt(request).sessions) as session:
        view = sweeps.get_sweep(session, sweep_id)
    groups = [(kind.value, [i for i in view.items if i.reason_kind == kind]) for kind in ReasonKind]
    done = {"decided": decided, "pending": pending, "refused": refused} if decided >= 0 else None
    return render(request, "sweep.html", user=user, sweep=view, groups=[g for g in groups if g[1]],
                  choices=[c for c in CHOICES if c not in ("pass", "escalate")], done=done)


@router.get("/console/sweeps/{sweep_id}/status")
def sweep_status(request: Request, sweep_id: Id, user: Lead) -> Response:
    with transaction(_rt(request).sessions) as session:
        view = sweeps.get_sweep(session, sweep_id)
    response = render(request, "sweep_status.html", user=user, sweep=view)
    if view.status not in (SweepStatus.QUEUED, SweepStatus.RUNNING):
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/console/sweeps/{sweep_id}/decide")
def decide_sweep(request: Request, sweep_id: Id, user: Lead, case_id: Annotated[list[int], Form()] = (),
                 choice: str = Form(""), reason: str = Form("")) -> Response:
    outcome = decide_in_bulk(_rt(request).sessions, sweep_id, case_id, user, choice, reason,
                             review=_rt(request).settings.review)
    query = f"decided={len(outcome.decided)}&pending={len(outcome.pending_approval)}&refused={len(outcome.refused)}"
    return RedirectResponse(f"/console/sweeps/{sweep_id}?{query}", status_code=303)
