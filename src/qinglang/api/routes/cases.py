"""``/v1/cases``: open a case for human review (e.g. a ``review`` verdict) and read the queue's state.

Opening is idempotent by nature: a target has one open case, so a retry (or a twin at the same moment) answers
with the same case."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from qinglang.api.auth import ContentsReadKey, ContentsWriteKey, actor
from qinglang.api.fields import Text
from qinglang.api.review_models import CaseOut, CasePage
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.domain.review import REPORT_REASONS, CaseSource, TargetKind
from qinglang.services.review import cases, queries
from qinglang.services.review.views import case_summary
from qinglang.storage.db import transaction

router = APIRouter(tags=["cases"], responses=ERROR_RESPONSES)
Category = Literal[REPORT_REASONS]  # type: ignore[valid-type]


class CaseIn(RequestBody):
    target_kind: TargetKind
    target_id: Text = Field(min_length=1, max_length=128)
    category: Category
    severity: int = Field(2, ge=1, le=3)


@router.post("/v1/cases", status_code=201, response_model=CaseOut,
             summary="Open a case (merges with the open case on the same target)")
def open_case(body: CaseIn, request: Request, key: ContentsWriteKey):
    review = request.app.state.runtime.settings.review
    new = cases.NewCase(body.target_kind, body.target_id, CaseSource.VERDICT, body.category, body.severity)
    with transaction(request.app.state.runtime.sessions) as session:
        return case_summary(cases.open_case(session, new, sla_hours=review.sla_hours, actor=actor(key)))


@router.get("/v1/cases", response_model=CasePage, summary="Open cases by priority")
def list_cases(request: Request, _key: ContentsReadKey, queue: Annotated[Text | None, Query(max_length=32)] = None,
               limit: int = Query(100, ge=1, le=500)):
    with transaction(request.app.state.runtime.sessions) as session:
        return CasePage(items=queries.list_queue(session, queue=queue, limit=limit))
