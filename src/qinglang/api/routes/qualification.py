"""``/v1/operators/{id}/licences``, ``/v1/licences/{id}``, ``/v1/accounts/{id}/grade`` and ``/v1/excellent-works``:
licences submitted for verification and read back, an account's credit grade with its history and reasons, and a
period's excellent works. Verification itself is a
named reviewer's, in the console's qualification queue (``/console/qualification``): an API key is never a
reviewer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey, ContentsReadKey, actor
from qinglang.api.fields import DbInt, Text
from qinglang.api.qualification_models import (
    ExcellentOut,
    ExcellentWorkOut,
    GradeOut,
    LeftOutWorkOut,
    LicenceIn,
    LicenceOut,
    LicencePage,
)
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services.qualification import excellent, submissions, views
from qinglang.services.statistics.dashboard import parse_range
from qinglang.storage.db import transaction

router = APIRouter(tags=["qualification"], responses=ERROR_RESPONSES)


@router.post("/v1/operators/{operator_id}/licences", status_code=201, response_model=LicenceOut,
             summary="Submit a licence with its scanned document (it starts 'submitted')")
def submit_licence(operator_id: Annotated[Text, Path(max_length=128)], body: LicenceIn, request: Request,
                   key: AccountsWriteKey):
    runtime = request.app.state.runtime
    return submissions.submit_from_api(runtime.sessions, runtime.settings, operator_id, body.model_dump(),
                                       actor=actor(key))


@router.get("/v1/operators/{operator_id}/licences", response_model=LicencePage, summary="An operator's licences")
def list_licences(operator_id: Annotated[Text, Path(max_length=128)], request: Request, _key: AccountsReadKey):
    runtime = request.app.state.runtime
    with transaction(runtime.sessions) as session:
        return LicencePage(items=submissions.operator_licences(session, runtime.settings, operator_id))


@router.get("/v1/licences/{licence_id}", response_model=LicenceOut, summary="One licence and its verification")
def get_licence(licence_id: Annotated[DbInt, Path()], request: Request, _key: AccountsReadKey):
    runtime = request.app.state.runtime
    with transaction(runtime.sessions) as session:
        return submissions.licence(session, runtime.settings, licence_id)


@router.get("/v1/accounts/{account_id}/grade", response_model=GradeOut,
            summary="An account's credit grade, its reasons and its history")
def account_grade(account_id: Annotated[Text, Path(max_length=128)], request: Request, _key: AccountsReadKey,
                  limit: int = Query(50, ge=1, le=500)):
    with transaction(request.app.state.runtime.sessions) as session:
        return views.grade_view(session, submissions.account_row(session, account_id), limit=limit)


@router.get("/v1/excellent-works", response_model=ExcellentOut,
            summary="The excellent works of a period, best first, with their reasons and why others were left out")
def excellent_works(request: Request, _key: ContentsReadKey,
                    first: Annotated[Text | None, Query(alias="from", max_length=10, description="YYYY-MM-DD")] = None,
                    last: Annotated[Text | None, Query(alias="to", max_length=10, description="YYYY-MM-DD")] = None,
                    limit: int = Query(excellent.LIMIT, ge=1, le=500)):
    runtime = request.app.state.runtime
    zone = runtime.settings.statistics.time_zone
    start, end = parse_range(first, last, zone)
    with transaction(runtime.sessions) as session:
        return _excellent_out(excellent.excellent_page(session, start, end, zone, limit=limit))


def _excellent_out(page: excellent.ExcellentPage) -> ExcellentOut:
    works = [ExcellentWorkOut(rank=w.rank, content_id=w.content_id, title=page.titles.get(w.content_id, ""),
                              account_id=w.account_id, score=w.score, originality=w.originality,
                              reasons=[r.to_dict() for r in w.reasons]) for w in page.result.works]
    left = [LeftOutWorkOut(content_id=w.content_id, account_id=w.account_id, reason=w.reason,
                           duplicate_of=w.duplicate_of) for w in page.result.left_out_works]
    return ExcellentOut(first_day=page.first, last_day=page.last, works=works, left_out=dict(page.result.left_out),
                        left_out_works=left)
