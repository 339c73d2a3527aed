"""``/v1/appeals``: the platform files an account owner's appeal against an action."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import Field

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.services.review import appeals
from qinglang.storage.db import transaction

router = APIRouter(tags=["appeals"], responses=ERROR_RESPONSES)


class AppealIn(RequestBody):
    action_id: DbInt
    account_id: Text = Field(min_length=1, max_length=128)
    text: Text = Field(min_length=1, max_length=5000)


def _out(appeal) -> dict[str, Any]:
    return {"id": appeal.id, "action_id": appeal.action_id, "account_id": appeal.account_id,
            "status": appeal.status, "reason": appeal.reason,
            "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None}


@router.post("/v1/appeals", status_code=201, summary="Appeal an action on behalf of its account")
def file_appeal(body: AppealIn, request: Request, _key: AccountsWriteKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return _out(appeals.file_appeal(session, body.action_id, body.account_id, body.text))


@router.get("/v1/appeals/{appeal_id}", summary="One appeal and its outcome")
def get_appeal(appeal_id: Annotated[DbInt, Path()], request: Request, _key: AccountsReadKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return _out(appeals.get_appeal(session, appeal_id))
