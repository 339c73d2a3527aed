"""The public report entrance: ``/report`` (mobile-friendly, target prefilled from the query string),
``/report/status/<code>`` and the vendored static files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from qinglang.console.render import error_page, render
from qinglang.console.session import ANON_CSRF_COOKIE, anon_csrf
from qinglang.errors import Forbidden, NotFound, QinglangError
from qinglang.services.review import reports, scoring
from qinglang.storage.db import transaction

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
_STATIC_FILES = {"htmx.min.js": "text/javascript", "console.js": "text/javascript", "console.css": "text/css"}


@router.get("/static/console/{name}")
def static(name: str) -> Response:
    if name not in _STATIC_FILES:
        raise NotFound("no such file", code="static_not_found")
    return FileResponse(STATIC / name, media_type=_STATIC_FILES[name], headers={"Cache-Control": "max-age=3600"})


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, target_kind: str = "content", target_id: str = "", reason: str = "") -> Response:
    response = Response()
    token = anon_csrf(request, response)
    page = render(request, "report.html", csrf=token, target_kind=target_kind, target_id=target_id,
                  reason=reason, reasons=scoring.REPORT_REASONS, error=None, frameable=True)
    page.headers.append("set-cookie", response.headers["set-cookie"])
    return page


@router.post("/report", response_class=HTMLResponse)
async def report_submit(
    request: Request,
    csrf: str = Form(""),
    target_kind: str = Form("content"),
    target_id: str = Form(""),
    reason: str = Form(""),
    text: str = Form(""),
    contact: str = Form(""),
    screenshots: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    runtime = request.app.state.runtime
    review = runtime.settings.review
    try:
        if not csrf or csrf != request.cookies.get(ANON_CSRF_COOKIE):
            raise Forbidden("the form expired; reload the page and submit again", code="csrf_failed")
        shots = tuple([await f.read(review.max_screenshot_bytes + 1) for f in (screenshots or []) if f.filename])
        new = reports.NewReport(target_kind=target_kind, target_id=target_id, reason=reason, text=text,
                                contact=contact, ip=request.client.host if request.client else "", screenshots=shots)
        with transaction(runtime.sessions) as session:
            code = reports.file_report(session, new, review=review,
                                       secret=runtime.settings.security.secret_key.get_secret_value()).tracking_code
    except QinglangError as exc:
        return render(request, "report.html", status_code=exc.status, csrf=csrf, target_kind=target_kind,
                      target_id=target_id, reason=reason, reasons=scoring.REPORT_REASONS, error=exc,
                      frameable=True)
    return RedirectResponse(f"/report/status/{code}?new=1", status_code=303)


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
