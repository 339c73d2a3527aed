"""``POST /v1/screen``: stateless, synchronous screening of one item; stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from qinglang.api.auth import ScreenKey
from qinglang.api.schemas import ERROR_RESPONSES, ScreenRequest
from qinglang.domain.model import ContentItem
from qinglang.services.images import remote_image_refs
from qinglang.services.limits import check_limits

router = APIRouter(tags=["screening"], responses=ERROR_RESPONSES)

INLINE_CHARS = 20_000  # shorter text-only items are screened on the event loop: faster than a thread hop


@router.post("/v1/screen", summary="Screen one item and return the verdict (nothing is stored)")
async def screen(body: ScreenRequest, request: Request, _key: ScreenKey) -> dict[str, Any]:
    runtime = request.app.state.runtime
    check_limits(runtime.settings.api, texts=(body.title, body.text, body.html), images=body.images, links=body.links)
    if body.images or len(body.text) + len(body.html) > INLINE_CHARS:
        # images (checking data URIs, decoding, fetching where enabled) and long texts must not hold up the
        # event loop: /healthz and every other request keep being answered meanwhile
        return await run_in_threadpool(_screen, runtime, body)
    return _screen(runtime, body)


def _screen(runtime, body: ScreenRequest) -> dict[str, Any]:
    item = ContentItem(
        id=body.id,
        title=body.title,
        text=body.text,
        html=body.html,
        images=remote_image_refs(body.images),
        links=tuple(body.links),
        original_link=body.original_link,
        account_id=body.account_id,
    )
    return runtime.screening.screen_contract(item)
