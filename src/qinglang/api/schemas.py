"""Wire schemas of the HTTP API. Request schemas reject unknown fields (error code ``unknown_field``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from qinglang.domain.model import ListKind

MAX_INT = 2_147_483_647  # the database's integer columns are 32-bit


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL (\\u0000) characters; remove them")
        return data


class ScreenRequest(_Request):
    """One item, as a line of the batch contract (DESIGN §5)."""

    id: str = Field("", max_length=256, description="caller's id, echoed back")
    title: str = ""
    text: str = ""
    html: str = ""
    images: list[str] = Field(default_factory=list, description="image references (paths or URLs)")
    links: list[str] = Field(default_factory=list)
    original_link: str | None = Field(None, description='the "read the original" (阅读原文) link')
    account_id: str | None = None


class ContentIn(_Request):
    content_id: str = Field(..., min_length=1, max_length=256)
    version: str | None = Field(None, min_length=1, max_length=128, description="defaults to the content hash")
    account_id: str | None = Field(None, max_length=128)
    kind: Literal["article", "chapter"] = "article"
    title: str = ""
    text: str = ""
    html: str = ""
    images: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    original_link: str | None = None
    book_id: str | None = Field(None, max_length=128)
    chapter: int | None = Field(None, ge=0, le=MAX_INT)


class OperatorIn(_Request):
    id: str = Field(..., min_length=1, max_length=128)
    name: str = Field(..., min_length=1, max_length=256)
    kind: Literal["person", "organisation"] = "person"
    id_document_hash: str | None = Field(None, max_length=128, description="hash of the identity document")
    licences: list[dict[str, Any]] = Field(default_factory=list)
    verification_state: Literal["unverified", "pending", "verified", "rejected"] = "unverified"


class OperatorPatch(_Request):
    name: str | None = Field(None, min_length=1, max_length=256)
    kind: Literal["person", "organisation"] | None = None
    id_document_hash: str | None = Field(None, max_length=128)
    licences: list[dict[str, Any]] | None = None
    verification_state: Literal["unverified", "pending", "verified", "rejected"] | None = None


AccountStatus = Literal["active", "restricted", "suspended", "closed"]
QualificationState = Literal["unverified", "pending", "verified", "rejected"]


class AccountIn(_Request):
    id: str = Field(..., min_length=1, max_length=128, description="the platform's account id")
    operator_id: str | None = None
    name: str = Field(..., min_length=1, max_length=256)
    status: AccountStatus = "active"
    qualification_state: QualificationState = "unverified"
    followers: int = Field(0, ge=0, le=MAX_INT)
    strikes: int = Field(0, ge=0, le=MAX_INT)
    quality_grade: str | None = Field(None, max_length=16)


class AccountPatch(_Request):
    operator_id: str | None = None
    name: str | None = Field(None, min_length=1, max_length=256)
    status: AccountStatus | None = None
    qualification_state: QualificationState | None = None
    followers: int | None = Field(None, ge=0, le=MAX_INT)
    strikes: int | None = Field(None, ge=0, le=MAX_INT)
    quality_grade: str | None = Field(None, max_length=16)


class ListEntryIn(_Request):
    list: Literal["block", "allow"] = "block"
    kind: ListKind
    value: str = Field(..., min_length=1, max_length=4096)
    reason: str = Field("", max_length=2000)
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


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "malformed_json, invalid_utf8"},
    401: {"model": ErrorBody, "description": "missing_api_key, invalid_api_key"},
    403: {"model": ErrorBody, "description": "insufficient_scope"},
    413: {"model": ErrorBody, "description": "payload_too_large, text_too_long, too_many_images, too_many_links"},
    422: {"model": ErrorBody, "description": "invalid_request, unknown_field"},
}
