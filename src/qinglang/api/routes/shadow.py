"""``/v1/shadow-differences``: the stored items where the shadow policy decided otherwise than the live one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from qinglang.api.auth import ContentsReadKey
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES
from qinglang.services import shadow
from qinglang.storage.db import transaction

router = APIRouter(tags=["policy"], responses=ERROR_RESPONSES)
IsoTime = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str)]
VerdictName = Literal["pass", "review", "block"]


class ShadowDifferenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    content_id: str
    version: str
    account_id: str | None
    live_verdict: str
    live_category: str
    shadow_verdict: str
    shadow_category: str
    live_policy: str = Field(description="the live policy's id and version")
    shadow_policy: str = Field(description="the shadow policy's id and version")
    direction: str = Field(description="stricter, looser or category (same verdict, other category)")
    created_at: IsoTime


class ShadowDifferencePage(BaseModel):
    items: list[ShadowDifferenceOut]
    next_before: int | None = Field(description="pass as `before` for the next (older) page; null at the end")


@router.get("/v1/shadow-differences", response_model=ShadowDifferencePage,
            summary="Where the shadow policy decided otherwise than the live one, newest first")
def list_shadow_differences(
    request: Request,
    _key: ContentsReadKey,
    shadow_policy_version: Annotated[Text | None, Query(max_length=64)] = None,
    live_verdict: VerdictName | None = None,
    shadow_verdict: VerdictName | None = None,
    before: Annotated[DbInt, Query(ge=0, description="the last id of the previous page")] = 0,
    limit: int = Query(100, ge=1, le=1000),
):
    where = shadow.DifferenceFilter(shadow_policy_version, live_verdict, shadow_verdict)
    with transaction(request.app.state.runtime.sessions) as session:
        items = shadow.list_differences(session, where, before_id=before, limit=limit)
    return ShadowDifferencePage(items=items, next_before=items[-1].id if len(items) == limit else None)
