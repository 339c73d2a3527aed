"""``/v1/contents``: store content versions with their decisions (idempotent) and read them back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from qinglang.api.auth import ContentsReadKey, ContentsWriteKey, actor
from qinglang.api.fields import Text
from qinglang.api.schemas import ERROR_RESPONSES, ContentIn
from qinglang.services import contents
from qinglang.services.limits import check_limits
from qinglang.storage.db import transaction

router = APIRouter(tags=["contents"], responses=ERROR_RESPONSES)

REPLAY_HEADER = "Idempotent-Replayed"


@router.post(
    "/v1/contents",
    status_code=201,
    summary="Store a content version and its decision",
    responses={200: {"description": f"a replay: this version was stored before (`{REPLAY_HEADER}: true`)"}},
    description="Idempotent on (content_id, version): the same payload again answers 200 with the stored record "
    f"and `{REPLAY_HEADER}: true`; different content under the same version is 409 content_version_conflict.",
)
def submit(body: ContentIn, request: Request, response: Response, key: ContentsWriteKey) -> dict[str, Any]:
    runtime = request.app.state.runtime
    check_limits(runtime.settings.api, texts=(body.title, body.text, body.html), images=body.images, links=body.links)
    fields = body.model_dump()
    fields["images"], fields["links"] = tuple(body.images), tuple(body.links)
    result = contents.submit_content(
        runtime.sessions,
        runtime.screening,
        contents.ContentSubmission(**fields),
        actor=actor(key),
        review_sla_hours=runtime.settings.review.sla_hours,
    )
    response.headers[REPLAY_HEADER] = "true" if result.replayed else "false"
    if result.replayed:
        response.status_code = 200
    return result.record


@router.get("/v1/contents/{content_id:path}", summary="A content version with its current decision and signals")
def read(
    content_id: Annotated[Text, Path()],
    request: Request,
    _key: ContentsReadKey,
    version: Annotated[Text | None, Query()] = None,
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return contents.get_content(session, content_id, version)
