"""``/v1/graph``: the drainage graph. Which accounts point at a target, what an account points at, and which
targets several accounts share."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from qinglang.api.auth import ContentsReadKey
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services import drainage
from qinglang.storage.db import transaction

router = APIRouter(tags=["graph"], responses=ERROR_RESPONSES)


@router.get("/v1/graph/targets/{kind}/{value:path}/accounts", summary="Accounts whose contents point at a target")
def accounts_for_target(
    kind: Annotated[Text, Path()], value: Annotated[Text, Path()], request: Request, _key: ContentsReadKey
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        items = drainage.list_accounts_for_target(session, kind, value)
    return {"kind": kind, "value": drainage.normalise_target(kind, value), "items": items}


@router.get("/v1/graph/accounts/{account_id}/targets", summary="Targets an account's contents point at")
def targets_for_account(
    account_id: Annotated[Text, Path()],
    request: Request,
    _key: ContentsReadKey,
    kind: Annotated[Text | None, Query()] = None,
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return {"account_id": account_id, "items": drainage.list_targets_for_account(session, account_id, kind)}


@router.get("/v1/graph/shared-targets", summary="Targets shared by several accounts")
def shared_targets(
    request: Request,
    _key: ContentsReadKey,
    min_accounts: Annotated[DbInt, Query(ge=1)] = 2,
    kind: Annotated[Text | None, Query()] = None,
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return {"items": drainage.list_shared_targets(session, min_accounts, kind, limit)}
