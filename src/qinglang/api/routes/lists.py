"""``/v1/lists``: the blacklist/allowlist register. Changes take effect on the next screening."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from qinglang.api.auth import ListsReadKey, ListsWriteKey, actor
from qinglang.api.fields import DbInt, Text
from qinglang.api.schemas import ERROR_RESPONSES, ListEntryIn, ListEntryPage
from qinglang.services import lists
from qinglang.storage.db import transaction

router = APIRouter(tags=["lists"], responses=ERROR_RESPONSES)

_MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
_TEXT_BODY = {"schema": {"type": "string"}}
_IMPORT_BODY = {"requestBody": {"required": True, "content": {t: _TEXT_BODY for t in _MEDIA_TYPES.values()}}}
_EXPORT_RESPONSE = {200: {"description": "the entries", "content": {t: _TEXT_BODY for t in _MEDIA_TYPES.values()}}}


@router.get("/v1/lists/entries", response_model=ListEntryPage, summary="Entries in force, by id, a page at a time")
def list_entries(
    request: Request,
    _key: ListsReadKey,
    list_name: Literal["block", "allow"] | None = Query(None, alias="list"),
    kind: Annotated[Text | None, Query()] = None,
    include_inactive: bool = Query(False, description="also removed and expired entries"),
    after: Annotated[DbInt, Query(ge=0, description="the last id of the previous page")] = 0,
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        items = lists.list_entries(
            session, list_name=list_name, kind=kind, active_only=not include_inactive, after_id=after, limit=limit
        )
    return {"items": [e.to_dict() for e in items], "next_after": items[-1].id if len(items) == limit else None}


@router.post("/v1/lists/entries", status_code=201, summary="Add an entry")
def add_entry(body: ListEntryIn, request: Request, key: ListsWriteKey) -> dict[str, Any]:
    runtime = request.app.state.runtime
    new = lists.NewListEntry(body.list, body.kind.value, body.value, body.reason, body.expires_at)
    with transaction(runtime.sessions) as session:
        entry = lists.add_entry(session, new, actor=actor(key))
    runtime.screening.invalidate()
    return entry.to_dict()


@router.get("/v1/lists/entries/{entry_id}", summary="One entry")
def get_entry(entry_id: Annotated[DbInt, Path()], request: Request, _key: ListsReadKey) -> dict[str, Any]:
    with transaction(request.app.state.runtime.sessions) as session:
        return lists.get_entry(session, entry_id).to_dict()


@router.delete("/v1/lists/entries/{entry_id}", summary="Remove an entry (kept, marked removed)")
def remove_entry(
    entry_id: Annotated[DbInt, Path()], request: Request, key: ListsWriteKey, reason: Annotated[Text, Query()] = ""
) -> dict[str, Any]:
    runtime = request.app.state.runtime
    with transaction(runtime.sessions) as session:
        entry = lists.remove_entry(session, entry_id, actor=actor(key), reason=reason)
    runtime.screening.invalidate()
    return entry.to_dict()


@router.post(
    "/v1/lists/import",
    summary="Import entries from JSONL or CSV (the body as is)",
    description="Send the body as `application/x-ndjson` (JSONL) or `text/csv` with header list,kind,value,reason,"
    "expires_at. Rows already on the list are skipped; invalid rows are reported with their number and code. "
    "A body that is not UTF-8 is refused whole (400 invalid_utf8), as is a JSONL line that is not JSON "
    "(400 malformed_json).",
    openapi_extra=_IMPORT_BODY,
)
async def import_entries(
    request: Request,
    key: ListsWriteKey,
    format: Literal["jsonl", "csv"] = "jsonl",  # noqa: A002
    dry_run: bool = False,
) -> dict[str, Any]:
    body = await request.body()
    # parsing and the database transaction are blocking work: run them off the event loop
    return await run_in_threadpool(_import, request.app.state.runtime, body, format, actor(key), dry_run)


def _import(runtime, body: bytes, fmt: str, who: str, dry_run: bool) -> dict[str, Any]:
    rows = lists.parse_import(lists.decode_import(body), fmt)
    with transaction(runtime.sessions) as session:
        report = lists.import_entries(session, rows, actor=who, dry_run=dry_run)
    runtime.screening.invalidate()
    return report.to_dict()


@router.get(
    "/v1/lists/export",
    responses=_EXPORT_RESPONSE,  # the body is text; errors stay JSON
    summary="Export entries in force as JSONL or CSV",
)
def export_entries(
    request: Request,
    _key: ListsReadKey,
    format: Literal["jsonl", "csv"] = "jsonl",
) -> PlainTextResponse:
    with transaction(request.app.state.runtime.sessions) as session:
        text = lists.export_entries(lists.active_entries(session), format)
    return PlainTextResponse(text, media_type=_MEDIA_TYPES[format])
