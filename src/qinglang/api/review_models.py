"""Wire schemas of the review API: what ``/v1/cases``, ``/v1/actions``, ``/v1/appeals`` and ``/v1/reports``
answer. Each is built from a service's view dataclass (``from_attributes``); datetimes are ISO 8601 in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

IsoTime = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CaseOut(_Out):
    id: int
    target_kind: str
    target_id: str
    account_id: str | None
    source: str
    queue: str
    severity: int
    priority: float
    report_count: int
    status: str = Field(description="open, claimed, pending_approval or closed")
    outcome: str | None = Field(description="violation, no_violation, calibration or merged, once closed")
    sla_due_at: IsoTime
    created_at: IsoTime


class CasePage(BaseModel):
    items: list[CaseOut]


class ActionOut(_Out):
    id: int
    kind: str
    target_kind: str
    target_id: str
    params: dict[str, Any]
    reason: str
    status: str = Field(description="active, expired, reverted, or done for a reversal")
    case_id: int | None
    reverts: int | None = Field(description="the action this reversal undoes")
    expires_at: IsoTime | None
    created_at: IsoTime | None


class ActionPage(BaseModel):
    items: list[ActionOut]
    next_since: int = Field(description="pass as `since` to get the next page")


class AppealOut(_Out):
    id: int
    action_id: int
    account_id: str
    status: str = Field(description="open, upheld or overturned")
    reason: str
    decided_at: IsoTime | None


class ReportStatusOut(_Out):
    tracking_code: str
    target_kind: str
    target_id: str
    reason: str
    filed_at: IsoTime
    progress: str = Field(description="queued, in_review, pending_approval (a severe action waits for a second "
                                      "senior) or closed")
    outcome: str | None = Field(description="action_taken or no_violation_found, once closed")
    reports_on_target: int
    reward_cents: int | None = Field(None, description="the reward credited to this report, in cents")
    reward_status: str | None = Field(None, description="credited (awaiting a lead), approved or refused")
