"""``/v1/appeals``: the platform files an account owner's appeal against an action.

Send ``Idempotency-Key`` to retry safely: the same key and body replay the first answer (header
``Idempotent-Replayed: true``); without a key, a second open appeal of the same action is ``409 appeal_exists``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from pydantic import Field

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey
from qinglang.api.fields import DbInt, Text
from qinglang.api.review_models import AppealOut
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.services import idempotency
from qinglang.services.review import appeals
from qinglang.storage.db import transaction

router = APIRouter(tags=["appeals"], responses=ERROR_RESPONSES)
REPLAY_HEADER = "Idempotent-Replayed"


class AppealIn(RequestBody):
    action_id: Annotated[DbInt, Field(ge=1)]
    account_id: Text = Field(min_length=1, max_length=128)
    text: Text = Field(min_length=1, max_length=5000)


@router.post("/v1/appeals", status_code=201, response_model=AppealOut,
             summary="Appeal an action on behalf of its account (idempotent with an Idempotency-Key)")
def file_appeal(body: AppealIn, request: Request, response: Response, key: AccountsWriteKey,
                idempotency_key: Annotated[Text | None, Header(alias="Idempotency-Key", max_length=128)] = None):
    def work(session):
        appeal = appeals.file_appeal(session, body.action_id, body.account_id, body.text)
        return 201, AppealOut.model_validate(appeal).model_dump(mode="json")

    answer = idempotency.once(request.app.state.runtime.sessions, f"appeals:{key.id}", idempotency_key,
                              body.model_dump(), work)
    response.status_code = answer.status_code
    response.headers[REPLAY_HEADER] = "true" if answer.replayed else "false"
    return answer.body


@router.get("/v1/appeals/{appeal_id}", response_model=AppealOut, summary="One appeal and its outcome")
def get_appeal(appeal_id: Annotated[DbInt, Path()], request: Request, _key: AccountsReadKey):
    with transaction(request.app.state.runtime.sessions) as session:
        return appeals.find_appeal_view(session, appeal_id)
