"""``/v1/reports``: the public report entrance (no API key: readers file reports) and tracking-code status.

A reader's repeat on a target they already reported (while that report is open) answers with the first
report. Screenshots are decoded and the report filed in a worker thread, off the event loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from qinglang.api.fields import Text
from qinglang.api.review_models import ReportStatusOut
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services.review import reports
from qinglang.storage.db import transaction

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)


@router.post("/v1/reports", status_code=201, response_model=ReportStatusOut,
             summary="File a report (public; rate-limited per IP and contact)")
async def file_report(
    request: Request,
    target_kind: Annotated[Text, Form()],
    target_id: Annotated[Text, Form()],
    reason: Annotated[Text, Form()],
    text: Annotated[Text, Form()] = "",
    contact: Annotated[Text, Form()] = "",
    reporter_account_id: Annotated[Text, Form()] = "",
    screenshots: Annotated[list[UploadFile] | None, File()] = None,
):
    runtime = request.app.state.runtime
    new = reports.NewReport(
        target_kind=target_kind, target_id=target_id, reason=reason, text=text, contact=contact,
        reporter_account_id=reporter_account_id, ip=request.client.host if request.client else "",
        screenshots=await reports.read_uploads(screenshots, runtime.settings.review.max_screenshot_bytes),
    )
    secret = runtime.settings.security.secret_key.get_secret_value()
    filed = await run_in_threadpool(reports.submit, runtime.sessions, new, review=runtime.settings.review, secret=secret)
    return await run_in_threadpool(_status, runtime, filed.tracking_code)


def _status(runtime, tracking_code: str):
    with transaction(runtime.sessions) as session:
        return reports.report_status(session, tracking_code)


@router.get("/v1/reports/{tracking_code}", response_model=ReportStatusOut, summary="Progress and outcome of a report")
def report_status(tracking_code: Annotated[Text, Path()], request: Request):
    return _status(request.app.state.runtime, tracking_code)
