"""Wire schemas of the HTTP API. Request schemas reject unknown fields (error code ``unknown_field``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from qinglang.api.fields import JsonObject, Text
from qinglang.domain.model import ListKind

MAX_INT = 2_147_483_647  # the database's integer columns are 32-bit


class RequestBody(BaseModel):
    """Base of every JSON request body: unknown fields are refused (``unknown_field``). Declare every string as
    :data:`~qinglang.api.fields.Text` so that NUL bytes and lone surrogates are refused (``invalid_text``)."""

    model_config = ConfigDict(extra="forbid")


class ScreenRequest(RequestBody):
    """One item, as a line of the batch contract (DESIGN §5)."""

    id: Text = Field("", max_length=256, description="caller's id, echoed back")
    title: Text = ""
    text: Text = ""
    html: Text = ""
    images: list[Text] = Field(
        default_factory=list, description="http(s) URLs or data:image/(png|jpeg|gif|webp);base64 URIs"
    )
    links: list[Text] = Field(default_factory=list)
    original_link: Text | None = Field(None, description='the "read the original" (阅读原文) link')
    account_id: Text | None = None


class ContentIn(RequestBody):
    content_id: Text = Field(..., min_length=1, max_length=256)
    version: Text | None = Field(None, min_length=1, max_length=128, description="defaults to the content hash")
    account_id: Text | None = Field(None, max_length=128)
    kind: Literal["article", "chapter"] = "article"
    title: Text = ""
    text: Text = ""
    html: Text = ""
    images: list[Text] = Field(default_factory=list)
    links: list[Text] = Field(default_factory=list)
    original_link: Text | None = None
    book_id: Text | None = Field(None, max_length=128)
    chapter: int | None = Field(None, ge=0, le=MAX_INT)


OperatorKind = Literal["individual", "enterprise", "government", "media", "other_organisation", "person",
                       "organisation"]  # "person" and "organisation" are the old names of individual, other_organisation


class IdentityIn(RequestBody):
    """An identity document: validated (GB 11643 / GB 32100 check character), then kept only as a keyed hash and a
    masked display. ``kind`` defaults to the one the operator kind presents."""

    kind: Literal["resident_id", "credit_code"] | None = None
    number: Text = Field(..., min_length=1, max_length=40)


class OperatorIn(RequestBody):
    id: Text = Field(..., min_length=1, max_length=128)
    name: Text = Field(..., min_length=1, max_length=256)
    kind: OperatorKind = "individual"
    identity: IdentityIn | None = None
    licences: list[JsonObject] = Field(default_factory=list, description="licences the platform declares; each is "
                                       "verified only when submitted with POST /v1/operators/{id}/licences")


class OperatorPatch(RequestBody):
    name: Text | None = Field(None, min_length=1, max_length=256)
    kind: OperatorKind | None = None
    identity: IdentityIn | None = None
    licences: list[JsonObject] | None = None


AccountStatus = Literal["active", "restricted", "suspended", "closed"]


class AccountIn(RequestBody):
    id: Text = Field(..., min_length=1, max_length=128, description="the platform's account id")
    operator_id: Text | None = None
    name: Text = Field(..., min_length=1, max_length=256)
    status: AccountStatus = "active"
    category: Text = Field("general", min_length=1, max_length=64, description="an account category of the "
                           "licence catalogue (serialized_fiction, news, ...): it decides the licences needed")
    followers: int = Field(0, ge=0, le=MAX_INT)
    strikes: int = Field(0, ge=0, le=MAX_INT)


class AccountPatch(RequestBody):
    operator_id: Text | None = None
    name: Text | None = Field(None, min_length=1, max_length=256)
    status: AccountStatus | None = None
    category: Text | None = Field(None, min_length=1, max_length=64)
    followers: int | None = Field(None, ge=0, le=MAX_INT)
    strikes: int | None = Field(None, ge=0, le=MAX_INT)


class ListEntryIn(RequestBody):
    list: Literal["block", "allow"] = "block"
    kind: ListKind
    value: Text = Field(..., min_length=1, max_length=4096)
    reason: Text = Field("", max_length=2000)
    expires_at: AwareDatetime | None = None


class ListEntryOut(BaseModel):
    id: int
    list: str
    kind: str
    value: str
    reason: str
    created_by: str
    created_at: str = Field(..., description="ISO 8601, UTC")
    expires_at: str | None
    removed_at: str | None


class ListEntryPage(BaseModel):
    items: list[ListEntryOut]
    next_after: int | None = Field(None, description="pass as `after` to get the next page")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def _errors(codes: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": f"{codes} (every code: docs/api.md, Errors)"}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _errors("malformed_json, invalid_utf8, malformed_body, bad_request"),
    401: _errors("missing_api_key, invalid_api_key"),
    403: _errors("insufficient_scope"),
    404: _errors("not_found and the *_not_found codes"),
    405: _errors("method_not_allowed"),
    409: _errors("conflict and the *_exists codes"),
    413: _errors("payload_too_large, text_too_long, too_many_images, too_many_links"),
    415: _errors("unsupported_media_type"),
    422: _errors("invalid_request, unknown_field, invalid_text, id_out_of_range, json_too_deep, ..."),
    429: _errors("rate_limited, report_rate_limited"),
    500: _errors("internal_error"),
}
