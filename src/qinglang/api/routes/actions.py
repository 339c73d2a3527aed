"""``/v1/actions``: enforcement actions for the platform to poll (the webhook pushes the same events)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from qinglang.api.auth import ContentsReadKey
from qinglang.api.fields import DbInt
from qinglang.api.review_models import ActionOut, ActionPage
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services.review import enforcement
from qinglang.storage.db import transaction

router = APIRouter(tags=["actions"], responses=ERROR_RESPONSES)


@router.get("/v1/actions", response_model=ActionPage, summary="Actions after a cursor, oldest first")
def list_actions(
    request: Request,
    _key: ContentsReadKey,
    since: Annotated[DbInt, Query(ge=0, description="the last action id you have seen")] = 0,
    limit: int = Query(100, ge=1, le=1000),
):
    with transaction(request.app.state.runtime.sessions) as session:
        items = enforcement.list_actions_since(session, since, limit)
    return ActionPage(items=items, next_since=items[-1].id if items else since)


@router.get("/v1/actions/{action_id}", response_model=ActionOut, summary="One action")
def get_action(action_id: Annotated[DbInt, Path()], request: Request, _key: ContentsReadKey):
    with transaction(request.app.state.runtime.sessions) as session:
        return enforcement.find_action_view(session, action_id)
