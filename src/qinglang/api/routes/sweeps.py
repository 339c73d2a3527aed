"""``/v1/sweeps``: queue a sweep from a confirmed case or an ad-hoc text or target, and read what it found.

A sweep is a job: ``POST`` checks the seed, stores the sweep ``queued`` and answers ``202`` with a ``Location``;
the review worker runs it (``running``, then ``completed`` or ``failed``); ``GET /v1/sweeps/{id}`` shows where it
is. Send ``Idempotency-Key`` to retry safely: the same key and body answer the first sweep again (header
``Idempotent-Replayed: true``) and queue nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from qinglang.api.auth import ContentsReadKey, ContentsWriteKey, actor
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES, RequestBody
from qinglang.services import idempotency, sweep_jobs, sweeps
from qinglang.storage.db import transaction

router = APIRouter(tags=["sweeps"], responses=ERROR_RESPONSES)
REPLAY_HEADER = "Idempotent-Replayed"
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
    status: str = Field(description="queued, running, completed or failed")
    found: int
    opened: int
    started_by: str
    created_at: IsoTime
    finished_at: IsoTime | None = None
    error: str = Field("", description="why a failed sweep failed: `code: message`")
    items: list[SweepItemOut] = []


class SweepPage(BaseModel):
    items: list[SweepOut]


@router.post("/v1/sweeps", status_code=202, response_model=SweepOut,
             summary="Queue a sweep: the worker opens a case in the sweep queue for every related content")
def start_sweep(body: SweepIn, request: Request, response: Response, key: ContentsWriteKey,
                idempotency_key: Annotated[Text | None, Header(alias="Idempotency-Key", max_length=128)] = None):
    seed = sweeps.seed_from_fields(body.model_dump())

    def work(session):
        view = sweep_jobs.queue_sweep(session, seed, actor=actor(key))
        return 202, SweepOut.model_validate(view).model_dump(mode="json")

    answer = idempotency.once(request.app.state.runtime.sessions, f"sweeps:{key.id}", idempotency_key,
                              body.model_dump(), work)
    response.status_code = answer.status_code
    response.headers["Location"] = f"/v1/sweeps/{answer.body['id']}"
    response.headers[REPLAY_HEADER] = "true" if answer.replayed else "false"
    return answer.body


@router.get("/v1/sweeps/{sweep_id}", response_model=SweepOut, summary="A sweep and what it found")
def get_sweep(sweep_id: Annotated[DbInt, Path()], request: Request, _key: ContentsReadKey):
    with transaction(request.app.state.runtime.sessions) as session:
        return sweeps.get_sweep(session, sweep_id)


@router.get("/v1/sweeps", response_model=SweepPage, summary="The newest sweeps")
def list_sweeps(request: Request, _key: ContentsReadKey, limit: int = Query(50, ge=1, le=500)):
    with transaction(request.app.state.runtime.sessions) as session:
        return SweepPage(items=sweeps.list_sweeps(session, limit=limit))
