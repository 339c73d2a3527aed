"""The console's shadow-differences page (影子策略差异): read-only, for leads and auditors.

What the shadow policy would have decided where it differs from the live one, newest first, a page at a time
(``?before=<id>``), filtered by verdicts; a summary counts the differences per (live, shadow) verdict."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from qinglang.console.guard import AuditReader, ConsoleRoute
from qinglang.console.render import render
from qinglang.domain.values import MAX_ID
from qinglang.services import shadow
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
PAGE = 50


@router.get("/console/shadow")
def shadow_page(request: Request, user: AuditReader,
                live_verdict: Literal["", "pass", "review", "block"] = "",
                shadow_verdict: Literal["", "pass", "review", "block"] = "",
                before: int = Query(0, ge=0, le=MAX_ID)) -> Response:
    where = shadow.DifferenceFilter(None, live_verdict or None, shadow_verdict or None)
    with transaction(request.app.state.runtime.sessions) as session:
        items = shadow.list_differences(session, where, before_id=before, limit=PAGE)
        counts = shadow.count_by_verdicts(session, where)
    summary = sorted(counts.items(), key=lambda kv: -kv[1])
    following = items[-1].id if len(items) == PAGE else None
    return render(request, "shadow.html", user=user, items=items, summary=summary, following=following,
                  live_verdict=live_verdict, shadow_verdict=shadow_verdict, verdicts=shadow.VERDICTS)
