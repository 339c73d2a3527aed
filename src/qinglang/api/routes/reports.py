"""``/v1/reports``: the public report entrance (no API key: readers file reports) and tracking-code status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile

from qinglang.api.fields import Text
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services.review import reports
from qinglang.storage.db import transaction

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)


async def read_uploads(files: list[UploadFile] | None, max_bytes: int) -> tuple[bytes, ...]:
    """Read each upload up to one byte past the cap, so an oversize file is refused without buffering it all."""
    return tuple([await f.read(max_bytes + 1) for f in (files or []) if f.filename])


@router.post("/v1/reports", status_code=201, summary="File a report (public; rate-limited per IP and contact)")
async def file_report(
    request: Request,
    target_kind: Annotated[Text, Form()],
    target_id: Annotated[Text, Form()],
    reason: Annotated[Text, Form()],
    text: Annotated[Text, Form()] = "",
    contact: Annotated[Text, Form()] = "",
    reporter_account_id: Annotated[Text, Form()] = "",
    screenshots: Annotated[list[UploadFile] | None, File()] = None,
) -> dict[str, Any]:
    runtime = request.app.state.runtime
    review = runtime.settings.review
    new = reports.NewReport(
        target_kind=target_kind, target_id=target_id, reason=reason, text=text, contact=contact,
        reporter_account_id=reporter_account_id, ip=request.client.host if request.client else "",
        screenshots=await read_uploads(screenshots, review.max_screenshot_bytes),
    )
    secret = runtime.settings.security.secret_key.get_secret_value()
    with transaction(runtime.sessions) as session:
        report = reports.file_report(session, new, review=review, secret=secret)
        return reports.report_status(session, report.tracking_code)


@router.get("/v1/reports/{tracking_code}", summary="Progress and outcome of a report")
def report_status(tracking_code: Annotated[Text, Path()], request: Request) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return reports.report_status(session, tracking_code)
