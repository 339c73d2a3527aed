"""What the edges see of the review half: frozen view dataclasses built from rows inside the service's
transaction. Templates and API response models read these, never ORM rows, so nothing lazy-loads after the
session closed and nothing an edge does can write a row by accident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qinglang.storage.tables.review import Action, Appeal, Approval, Case, Report, Reward


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: int
    target_kind: str
    target_id: str
    account_id: str | None
    source: str
    queue: str
    severity: int
    priority: float
    report_count: int
    status: str
    outcome: str | None
    tier: int
    claimed_by: int | None
    sla_due_at: datetime
    created_at: datetime


def case_summary(row: Case) -> CaseSummary:
    return CaseSummary(row.id, row.target_kind, row.target_id, row.account_id, row.source, row.queue, row.severity,
                       round(row.priority, 2), row.report_count, row.status, row.outcome, row.tier, row.claimed_by,
                       row.sla_due_at, row.created_at)


@dataclass(frozen=True, slots=True)
class ReportView:
    id: int
    tracking_code: str
    reason: str
    text: str
    status: str
    created_at: datetime


def report_view(row: Report) -> ReportView:
    return ReportView(row.id, row.tracking_code, row.reason, row.text, row.status, row.created_at)


@dataclass(frozen=True, slots=True)
class ActionView:
    id: int
    kind: str
    target_kind: str
    target_id: str
    params: dict[str, Any]
    reason: str
    status: str
    case_id: int | None
    reverts: int | None
    expires_at: datetime | None
    created_at: datetime | None

    def to_wire(self) -> dict[str, Any]:
        """The JSON form sent in webhooks and returned by ``/v1/actions``."""
        return {"id": self.id, "kind": self.kind, "target_kind": self.target_kind, "target_id": self.target_id,
                "params": self.params, "reason": self.reason, "status": self.status, "case_id": self.case_id,
                "reverts": self.reverts, "expires_at": _iso(self.expires_at), "created_at": _iso(self.created_at)}


def action_view(row: Action) -> ActionView:
    params = {k: v for k, v in (row.params or {}).items() if k != "previous_status"}
    return ActionView(row.id, row.kind, row.target_kind, row.target_id, params, row.reason, row.status, row.case_id,
                      row.reverts_id, row.expires_at, row.created_at)


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything the case page shows."""

    case: CaseSummary
    title: str = ""
    text: str = ""
    evidence: tuple[dict[str, Any], ...] = ()
    media_ids: tuple[int, ...] = ()  # screenshots sent with reports
    article_images: tuple[Any, ...] = ()  # the article's own images (``article_images.ArticleImage``)
    reports: tuple[ReportView, ...] = ()
    past_actions: tuple[ActionView, ...] = ()
    strikes: int = 0
    other_cases: tuple[CaseSummary, ...] = ()
    other_content: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ApprovalView:
    id: int
    case_id: int
    kind: str
    reason: str
    status: str
    requested_by: int


def approval_view(row: Approval) -> ApprovalView:
    return ApprovalView(row.id, row.case_id, row.kind, row.reason, row.status, row.requested_by)


@dataclass(frozen=True, slots=True)
class AppealView:
    id: int
    action_id: int
    account_id: str
    text: str
    status: str
    reason: str
    decided_at: datetime | None


def appeal_view(row: Appeal) -> AppealView:
    return AppealView(row.id, row.action_id, row.account_id, row.text, row.status, row.reason, row.decided_at)


@dataclass(frozen=True, slots=True)
class RewardView:
    id: int
    report_id: int
    amount_cents: int
    status: str


def reward_view(row: Reward) -> RewardView:
    return RewardView(row.id, row.report_id, row.amount_cents, row.status)


@dataclass(frozen=True, slots=True)
class ReportStatusView:
    """What a reader sees of their report: progress and outcome, never who reviewed it."""

    tracking_code: str
    target_kind: str
    target_id: str
    reason: str
    filed_at: datetime
    progress: str  # queued | in_review | pending_approval | closed
    outcome: str | None  # action_taken | no_violation_found, once closed
    reports_on_target: int
    reward_cents: int | None = None  # the reward credited to this report, if any
    reward_status: str | None = None  # credited | approved | refused


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a decision did: the case's new status and tier, the actions applied, the approval requested."""

    case_id: int
    status: str
    tier: int = 0
    action_ids: tuple[int, ...] = ()
    approval_id: int | None = None
