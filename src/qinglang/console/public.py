"""The public report entrance: ``/report`` (mobile-friendly, target prefilled from the query string, embeddable
in another site), ``/report/status/<code>`` and the vendored static files.

The form carries a signed token in a hidden field (``session.form_token``), not a cookie, so it works inside
another site's frame. Screenshots are decoded and the report filed in a worker thread, never on the event loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from qinglang.console.guard import ConsoleRoute
from qinglang.console.render import error_page, render
from qinglang.console.session import check_form_token, form_token
from qinglang.domain.review import REPORT_REASONS
from qinglang.errors import NotFound, QinglangError
from qinglang.services.review import reports
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
STATIC = Path(__file__).parent / "static"
_STATIC_FILES = {"htmx.min.js": "text/javascript", "console.js": "text/javascript", "console.css": "text/css",
                 "dashboard.css": "text/css"}


def _secret(request: Request) -> str:
    return request.app.state.runtime.settings.security.secret_key.get_secret_value()


@router.get("/static/console/{name}")
def static(name: str) -> Response:
    if name not in _STATIC_FILES:
        raise NotFound("no such file", code="static_not_found")
    return FileResponse(STATIC / name, media_type=_STATIC_FILES[name], headers={"Cache-Control": "max-age=3600"})


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, target_kind: str = "content", target_id: str = "", reason: str = "") -> Response:
    return render(request, "report.html", form_token=form_token(_secret(request)), target_kind=target_kind,
                  target_id=target_id, reason=reason, reasons=REPORT_REASONS, error=None, frameable=True)


@router.post("/report", response_class=HTMLResponse)
async def report_submit(
    request: Request,
    token: str = Form("", alias="form_token"),
    target_kind: str = Form("content"),
    target_id: str = Form(""),
    reason: str = Form(""),
    text: str = Form(""),
    contact: str = Form(""),
    screenshots: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    runtime = request.app.state.runtime
    try:
        check_form_token(_secret(request), token)
        shots = await reports.read_uploads(screenshots, runtime.settings.review.max_screenshot_bytes)
        new = reports.NewReport(target_kind=target_kind, target_id=target_id, reason=reason, text=text,
                                contact=contact, ip=request.client.host if request.client else "", screenshots=shots)
        filed = await run_in_threadpool(reports.submit, runtime.sessions, new, review=runtime.settings.review,
                                        secret=_secret(request))
    except QinglangError as exc:
        return render(request, "report.html", status_code=exc.status, form_token=form_token(_secret(request)),
                      target_kind=target_kind, target_id=target_id, reason=reason, reasons=REPORT_REASONS,
                      error=exc, frameable=True)
    return RedirectResponse(f"/report/status/{filed.tracking_code}?new=1", status_code=303)


@router.get("/report/status/{code}", response_class=HTMLResponse)
def report_status(request: Request, code: str, new: int = 0) -> Response:
    try:
        with transaction(request.app.state.runtime.sessions) as session:
            status = reports.report_status(session, code)
    except QinglangError as exc:
        return error_page(request, exc)
    return render(request, "status.html", status=status, new=bool(new), frameable=True)


@router.get("/lang")
def set_lang(to: str = "zh", next: str = "/report") -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/report"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("ql_lang", "en" if to == "en" else "zh", samesite="lax", path="/")
    return response
