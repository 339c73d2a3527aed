"""Wire schemas of qualification and grading: what ``/v1/operators/{id}/licences``, ``/v1/licences`` and
``/v1/accounts/{id}/grade`` answer, built from the services' view dataclasses. Dates are ISO 8601; times UTC."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qinglang.api.fields import Text
from qinglang.api.review_models import IsoTime
from qinglang.api.schemas import RequestBody


class LicenceIn(RequestBody):
    kind: Text = Field(..., min_length=1, max_length=64, description="a licence kind of the catalogue "
                       "(online_publishing, news_information, icp_filing, business_licence, ...)")
    number: Text = Field(..., min_length=1, max_length=128)
    issuer: Text = Field(..., min_length=1, max_length=256)
    scope: list[Text] = Field(default_factory=list, max_length=20)
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="the last valid day, as printed (China time)")
    scan: Text | None = Field(None, max_length=8_000_000, description="the scanned document as "
                              "data:image/png|jpeg|gif|webp;base64,...; decoded and re-encoded through the safe "
                              "image path")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LicenceOut(_Out):
    id: int
    operator_id: str
    kind: str
    kind_name_zh: str
    kind_name_en: str
    number: str
    issuer: str
    scope: list[str]
    valid_from: date | None
    valid_until: date | None
    status: Literal["submitted", "under_review", "verified", "rejected", "expired", "revoked", "withdrawn"]
    submitted_by: str
    submitted_at: IsoTime
    reviewer: str | None = Field(description="who holds the review, while it is under review")
    decided_by: str | None = Field(description="the reviewer of the last decision")
    decided_at: IsoTime | None
    reason: str
    scan_media_id: int | None
    version: int


class LicencePage(BaseModel):
    items: list[LicenceOut]


class CreditOut(_Out):
    id: int
    score: float
    grade: Literal["A", "B", "C", "D", "E"]
    computed_at: IsoTime
    trigger: str
    explanation: list[dict[str, Any]] = Field(description="reasons: code, zh, en and data, the grade first")
    change: list[dict[str, Any]] = Field(description="how this computation differs from the one before")


class GradeOut(_Out):
    account_id: str
    grade: Literal["A", "B", "C", "D", "E"] | None
    score: float | None
    qualification_state: str
    qualification_reasons: list[dict[str, Any]]
    current: CreditOut | None
    history: list[CreditOut]


class ExcellentWorkOut(BaseModel):
    rank: int
    content_id: str
    title: str
    account_id: str
    score: float = Field(description="the quality score, 0-100")
    originality: float = Field(description="1 minus the strongest near-duplicate match against earlier content "
                               "of other accounts")
    reasons: list[dict[str, Any]] = Field(description="why it is listed: code, zh, en and data")


class LeftOutWorkOut(BaseModel):
    content_id: str
    account_id: str
    reason: str = Field(description="the first condition it failed (a key of `left_out`)")
    duplicate_of: str | None = Field(description="for a copy: the earlier content of another account it copies")


class ExcellentOut(BaseModel):
    first_day: date = Field(description="the first local day of the period")
    last_day: date = Field(description="the last local day of the period (inclusive)")
    works: list[ExcellentWorkOut]
    left_out: dict[str, int] = Field(description="reason code -> how many works it left out")
    left_out_works: list[LeftOutWorkOut]
