"""``GET /metrics``: live figures for operators in the Prometheus text format.

Needs an API key with the ``metrics`` scope (``qinglang apikeys create prometheus --scope metrics``), or, with
``statistics.metrics_open_on_loopback`` set, a scrape from this machine (127.0.0.1/::1) without a key — for a
Prometheus running beside qinglang. Counted from the tables at each scrape (``services.statistics.live``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from qinglang.api.auth import scoped_or_loopback
from qinglang.api.schemas import ErrorBody
from qinglang.services.statistics.live import snapshot
from qinglang.statistics.prometheus import CONTENT_TYPE, render_prometheus
from qinglang.storage.db import transaction

router = APIRouter(tags=["metrics"])


def _loopback_allowed(request: Request) -> bool:
    return request.app.state.runtime.settings.statistics.metrics_open_on_loopback


MetricsKey = scoped_or_loopback("metrics", _loopback_allowed)


@router.get(
    "/metrics",
    summary="Live figures in the Prometheus text format (API key with the metrics scope)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, 401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
def metrics(request: Request, key: MetricsKey) -> Response:
    with transaction(request.app.state.runtime.sessions) as session:
        taken = snapshot(session)
    return Response(render_prometheus(taken), media_type=CONTENT_TYPE)
