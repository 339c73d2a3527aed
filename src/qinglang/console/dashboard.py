"""The dashboard (统计看板) and the lists behind its numbers; the supervision report's download.

Every number on the dashboard links to its figure's drill-down (a list page below, with the period's
filters). Leads, admins and auditors may open them; the appeals, rewards and calibration lists are the
existing pages of those names, which show the filtered list when given filters (``oversight.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from qinglang.console.guard import AuditReader, ConsoleRoute
from qinglang.console.i18n import pick_lang
from qinglang.console.render import render
from qinglang.errors import InvalidInput
from qinglang.services.statistics import daily, dashboard, drill
from qinglang.statistics.problems import Problem
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.supervision import report_format
from qinglang.supervision.render import render_report
from qinglang.supervision.values import shown

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)


def _rt(request: Request):
    return request.app.state.runtime


def _zone(request: Request) -> str:
    return _rt(request).settings.statistics.time_zone


@router.get("/console/dashboard")
def dashboard_page(request: Request, user: AuditReader) -> Response:
    params = request.query_params
    start, end = dashboard.parse_range(params.get("from"), params.get("to"), _zone(request))
    with transaction(_rt(request).sessions) as session:
        view = dashboard.build(session, start, end, _zone(request), _rt(request).settings.statistics.sla_target)
    return render(request, "dashboard.html", user=user, view=view, shown=shown,
                  target=_rt(request).settings.statistics.sla_target)


@router.get("/console/dashboard/report")
def report_download(request: Request, user: AuditReader) -> Response:
    """The supervision report of the dashboard's range as PDF, XLSX or CSV (audited: who took which report)."""
    params = request.query_params
    fmt = report_format(params.get("format", "pdf"))
    start, end = dashboard.parse_range(params.get("from"), params.get("to"), _zone(request))
    with transaction(_rt(request).sessions) as session:
        chosen = daily.period(session, start, end, _zone(request))
        if isinstance(chosen, Problem):
            raise InvalidInput(chosen.message, code="figures_none_in_period")
        append_audit_event(session, user.actor, "supervision.report_downloaded", "supervision_report",
                           f"{start}..{end}", {"format": fmt.value})
    data = render_report(chosen.period, fmt, previous=chosen.previous, days=chosen.days,
                         generated_at=datetime.now(UTC), time_zone=_zone(request))
    name = f"qinglang-report-{start}-{end}.{fmt.value}"
    return Response(data, media_type=fmt.media_type, headers={"Content-Disposition": f"attachment; filename={name}",
                                                              "Cache-Control": "no-store"})


def list_response(request: Request, user, path: str) -> Response:
    """The list page of ``path`` filtered by the request's query (shared with the oversight pages)."""
    with transaction(_rt(request).sessions) as session:
        page = drill.list_page(session, path, request.query_params, _zone(request), pick_lang(request.cookies.get("ql_lang")))
    return render(request, "figure_list.html", user=user, page=page, query=dict(request.query_params))


def _list_route(path: str) -> None:
    def handler(request: Request, user: AuditReader) -> Response:
        return list_response(request, user, path)

    handler.__name__ = "list_" + path.rsplit("/", 1)[-1]
    router.add_api_route(path, handler, methods=["GET"])


for _path in ("/console/contents", "/console/cases", "/console/reports", "/console/actions", "/console/accounts",
              "/console/lists"):  # /console/sweeps is console.sweeps' page, which serves this list when filtered
    _list_route(_path)
