"""``/v1/cases``: open a case for human review (e.g. a ``review`` verdict) and read the queue's state."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from qinglang.api.auth import ContentsReadKey, ContentsWriteKey, actor
from qinglang.api.fields import Text
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.services.review import cases
from qinglang.storage.db import transaction

router = APIRouter(tags=["cases"], responses=ERROR_RESPONSES)


class CaseIn(RequestBody):
    target_kind: Text = Field(pattern="^(content|account)$")
    target_id: Text = Field(min_length=1, max_length=128)
    category: Text = Field(pattern="^(porn|illicit_ad|gambling|fraud|abuse|other)$")
    severity: int = Field(2, ge=1, le=3)


@router.post("/v1/cases", status_code=201, summary="Open a case (merges with an open case on the same target)")
def open_case(body: CaseIn, request: Request, key: ContentsWriteKey) -> dict[str, Any]:
    review = request.app.state.runtime.settings.review
    with transaction(request.app.state.runtime.sessions) as session:
        case = cases.open_case(session, target_kind=body.target_kind, target_id=body.target_id, source="verdict",
                               queue=body.category, severity=body.severity, sla_hours=review.sla_hours,
                               actor=actor(key))
        return cases.case_to_dict(case)


@router.get("/v1/cases", summary="Open cases by priority")
def list_cases(request: Request, _key: ContentsReadKey, queue: Annotated[Text | None, Query()] = None,
               limit: int = Query(100, ge=1, le=500)) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return {"items": [cases.case_to_dict(c) for c in cases.list_queue(session, queue=queue, limit=limit)]}
