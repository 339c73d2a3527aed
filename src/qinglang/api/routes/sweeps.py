"""``/v1/sweeps``: start a sweep from a confirmed case or an ad-hoc text or target, and read what it found."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from qinglang.api.auth import ContentsReadKey, ContentsWriteKey, actor
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.services import sweeps
from qinglang.storage.db import transaction

router = APIRouter(tags=["sweeps"], responses=ERROR_RESPONSES)
IsoTime = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str)]
_SEED = Field(None, min_length=1, max_length=sweeps.MAX_SEED_TEXT)


class SweepIn(RequestBody):
    """Exactly one seed."""

    case_id: DbInt | None = Field(None, ge=1, description="a case closed as a violation")
    text: Text | None = Field(None, min_length=1, max_length=sweeps.MAX_SEED_TEXT)
    qr_payload: Text | None = _SEED
    contact: Text | None = _SEED
    domain: Text | None = _SEED
    url: Text | None = _SEED
    image_hash: Text | None = Field(None, min_length=64, max_length=64, description="a PDQ hash, 64 hex digits")
    term: Text | None = Field(None, min_length=1, max_length=sweeps.MAX_SEED_TEXT,
                              description="a term: the contents whose normalised text contains it")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SweepItemOut(_Out):
    content_id: str
    account_id: str | None
    reason_kind: str = Field(description="near_duplicate, near_image, same_book, shared_target or same_operator")
    reason: str
    score: float | None
    case_id: int | None
    case_opened: bool = Field(description="false when the content's case was open already")


class SweepOut(_Out):
    id: int
    seed_kind: str
    seed_value: str
    seed_case_id: int | None
    status: str
    found: int
    opened: int
    started_by: str
    created_at: IsoTime
    items: list[SweepItemOut] = []


class SweepPage(BaseModel):
    items: list[SweepOut]


@router.post("/v1/sweeps", status_code=201, response_model=SweepOut,
             summary="Start a sweep: open a case in the sweep queue for every related content")
def start_sweep(body: SweepIn, request: Request, key: ContentsWriteKey):
    runtime = request.app.state.runtime
    seed = sweeps.seed_from_fields(body.model_dump())
    return sweeps.start_sweep(runtime.sessions, seed, actor=actor(key), sla_hours=runtime.settings.review.sla_hours,
                              batch=runtime.settings.batch)


@router.get("/v1/sweeps/{sweep_id}", response_model=SweepOut, summary="A sweep and what it found")
def get_sweep(sweep_id: Annotated[DbInt, Path()], request: Request, _key: ContentsReadKey):
    with transaction(request.app.state.runtime.sessions) as session:
        return sweeps.get_sweep(session, sweep_id)


@router.get("/v1/sweeps", response_model=SweepPage, summary="The newest sweeps")
def list_sweeps(request: Request, _key: ContentsReadKey, limit: int = Query(50, ge=1, le=500)):
    with transaction(request.app.state.runtime.sessions) as session:
        return SweepPage(items=sweeps.list_sweeps(session, limit=limit))
