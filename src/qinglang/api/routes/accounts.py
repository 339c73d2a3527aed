"""``/v1/accounts`` and ``/v1/operators``: who publishes, and who stands behind them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from qinglang.api.auth import AccountsReadKey, AccountsWriteKey, actor
from qinglang.api.fields import Text
from qinglang.api.schemas import ERROR_RESPONSES, AccountIn, AccountPatch, OperatorIn, OperatorPatch
from qinglang.services import accounts
from qinglang.services.qualification.context import context_for
from qinglang.storage.db import transaction

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


def _ctx(request: Request):
    return context_for(request.app.state.runtime.settings)


@router.post("/v1/operators", status_code=201, summary="Register an operator")
def create_operator(body: OperatorIn, request: Request, key: AccountsWriteKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.create_operator(session, body.model_dump(), actor=actor(key), ctx=_ctx(request))


@router.patch("/v1/operators/{operator_id}", summary="Change an operator's name, kind, identity document or declared licences")
def update_operator(operator_id: Annotated[Text, Path()], body: OperatorPatch, request: Request, key: AccountsWriteKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.update_operator(session, operator_id, body.model_dump(exclude_unset=True), actor=actor(key),
                                        ctx=_ctx(request))


@router.get("/v1/operators/{operator_id}", summary="One operator")
def get_operator(operator_id: Annotated[Text, Path()], request: Request, _key: AccountsReadKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.get_operator(session, operator_id)


@router.get("/v1/accounts", summary="Accounts, by id, a page at a time")
def list_accounts(
    request: Request,
    _key: AccountsReadKey,
    operator_id: Annotated[Text | None, Query()] = None,
    status: Annotated[Text | None, Query()] = None,
    after: Annotated[Text, Query(description="the last id of the previous page")] = "",
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        items = accounts.list_accounts(session, operator_id=operator_id, status=status, after_id=after, limit=limit)
    return {"items": items, "next_after": items[-1]["id"] if len(items) == limit else None}


@router.post("/v1/accounts", status_code=201, summary="Register an account")
def create_account(body: AccountIn, request: Request, key: AccountsWriteKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.create_account(session, body.model_dump(), actor=actor(key), ctx=_ctx(request))


@router.get("/v1/accounts/{account_id}", summary="One account")
def get_account(account_id: Annotated[Text, Path()], request: Request, _key: AccountsReadKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.get_account(session, account_id)


@router.patch("/v1/accounts/{account_id}", summary="Change an account's fields")
def update_account(account_id: Annotated[Text, Path()], body: AccountPatch, request: Request, key: AccountsWriteKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return accounts.update_account(session, account_id, body.model_dump(exclude_unset=True), actor=actor(key),
                                       ctx=_ctx(request))
