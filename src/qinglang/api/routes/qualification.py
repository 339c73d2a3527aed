"""``/v1/operators/{id}/licences``, ``/v1/licences/{id}`` and ``/v1/accounts/{id}/grade``: licences submitted for
verification and read back, and an account's credit grade with its history and reasons. Verification itself is a
named reviewer's, in the console's qualification queue (``/console/qualification``): an API key is never a
reviewer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey, actor
from qinglang.api.fields import DbInt, Text
from qinglang.api.qualification_models import GradeOut, LicenceIn, LicenceOut, LicencePage
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services.qualification import submissions, views
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
