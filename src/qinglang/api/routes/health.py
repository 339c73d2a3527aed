"""Liveness and readiness: ``GET /healthz`` answers without a key and checks the database."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from qinglang import __version__
from qinglang.api.errors import error_response
from qinglang.api.schemas import ErrorBody

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Health check (no API key needed)",
    responses={503: {"model": ErrorBody, "description": "database_unavailable"}},
)
def healthz(request: Request):
    try:
        with request.app.state.runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return error_response(503, "database_unavailable", f"the database cannot be reached: {type(exc).__name__}")
    return {"status": "ok", "version": __version__}
