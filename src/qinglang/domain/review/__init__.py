"""The review half's pure core: its vocabulary (statuses, roles, queues, action kinds), the case state machine
(:func:`transition`), the appeal rule (:func:`judge_appeal`) and refusals with stable codes. No I/O here;
``qinglang.services.review`` persists what these functions decide."""

from qinglang.domain.review.appeals import AppealFacts, judge_appeal
from qinglang.domain.review.case_model import (
    Approve,
    Assign,
    CaseState,
    Claim,
    Decide,
    Disagree,
    Effect,
    Enforce,
    Escalate,
    Event,
    LeaseExpired,
    Moved,
    PendingApproval,
    RecordVerdict,
    Release,
    RequestApproval,
    RequireTier,
    SettleReports,
)
from qinglang.domain.review.cases import transition
from qinglang.domain.review.refusals import Refusal, RefusalCode
from qinglang.domain.review.vocabulary import (
    ACTIONS,
    CHOICES,
    DECIDABLE_ACTIONS,
    DEFAULT_SUSPEND_DAYS,
    ESCALATE,
    LEAD_TIER,
    MAX_SUSPEND_DAYS,
    MIN_SUSPEND_DAYS,
    OPEN_CASE_STATES,
    OTHER,
    PASS,
    QUEUE_SEVERITY,
    QUEUES,
    REPORT_REASONS,
    STRIKES_QUEUE,
    SWEEP_QUEUE,
    AccountStatus,
    ActionKind,
    ActionSpec,
    ActionStatus,
    ActionTarget,
    AppealStatus,
    ApprovalStatus,
    CaseOutcome,
    CaseSource,
    CaseStatus,
    DecisionStage,
    OutboxStatus,
    ReportStatus,
    Reviewer,
    ReviewerRole,
    RewardStatus,
    TargetKind,
    queue_for,
)

__all__ = [
    "ACTIONS", "CHOICES", "DECIDABLE_ACTIONS", "DEFAULT_SUSPEND_DAYS", "ESCALATE", "LEAD_TIER", "MAX_SUSPEND_DAYS",
    "MIN_SUSPEND_DAYS", "OPEN_CASE_STATES", "OTHER", "PASS", "QUEUES", "QUEUE_SEVERITY", "REPORT_REASONS",
    "STRIKES_QUEUE", "SWEEP_QUEUE", "AccountStatus", "ActionKind", "ActionSpec", "ActionStatus", "ActionTarget", "AppealFacts",
    "AppealStatus", "ApprovalStatus", "Approve", "Assign", "CaseOutcome", "CaseSource", "CaseState", "CaseStatus", "Claim",
    "Decide", "DecisionStage", "Disagree", "Effect", "Enforce", "Escalate", "Event", "LeaseExpired", "Moved",
    "OutboxStatus", "PendingApproval", "RecordVerdict", "Refusal", "RefusalCode", "Release", "ReportStatus",
    "RequestApproval", "RequireTier", "Reviewer", "ReviewerRole", "RewardStatus", "SettleReports", "TargetKind", "judge_appeal",
    "queue_for", "transition",
]
