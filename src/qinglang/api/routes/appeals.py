"""``/v1/appeals``: the platform files an account owner's appeal against an action.

Send ``Idempotency-Key`` to retry safely: the same key and body replay the first answer (header
``Idempotent-Replayed: true``); without a key, a second open appeal of the same action is ``409 appeal_exists``."""

from __future__ import annotations

from fastapi import APIRouter, Header, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey
from qinglang.api.review_models import AppealOut
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.domain.values import MAX_DB_INT
from qinglang.services import idempotency
from qinglang.services.review import appeals
from qinglang.storage.db import transaction

router = APIRouter(tags=["appeals"], responses=ERROR_RESPONSES)
REPLAY_HEADER = "Idempotent-Replayed"


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action_id: int = Field(ge=1, le=MAX_DB_INT)
    account_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=5000)


@router.post("/v1/appeals", status_code=201, response_model=AppealOut,
             summary="Appeal an action on behalf of its account (idempotent with an Idempotency-Key)")
def file_appeal(body: AppealIn, request: Request, response: Response, key: AccountsWriteKey,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=128)):
    def work(session):
        appeal = appeals.file_appeal(session, body.action_id, body.account_id, body.text)
        return 201, AppealOut.model_validate(appeal).model_dump(mode="json")

    answer = idempotency.once(request.app.state.runtime.sessions, f"appeals:{key.id}", idempotency_key,
                              body.model_dump(), work)
    response.status_code = answer.status_code
    response.headers[REPLAY_HEADER] = "true" if answer.replayed else "false"
    return answer.body


@router.get("/v1/appeals/{appeal_id}", response_model=AppealOut, summary="One appeal and its outcome")
def get_appeal(request: Request, _key: AccountsReadKey, appeal_id: int = Path(ge=1, le=MAX_DB_INT)):
    with transaction(request.app.state.runtime.sessions) as session:
        return appeals.find_appeal_view(session, appeal_id)
