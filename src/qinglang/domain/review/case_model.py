"""What a case is, as the rules see it (:class:`CaseState`); what can happen to it (the events); and what the
rules ask the services to do when it does (the effects). The rules themselves are in ``cases``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from qinglang.domain.review.vocabulary import ActionKind, CaseOutcome, CaseStatus, Reviewer, TargetKind


@dataclass(frozen=True, slots=True)
class PendingApproval:
    kind: ActionKind
    requested_by: int


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the rules need to know about a case."""

    status: CaseStatus = CaseStatus.OPEN
    tier: int = 0  # 0 any reviewer, 1 senior and up, 2 lead and up
    claimed_by: int | None = None
    lease_expires_at: datetime | None = None
    outcome: CaseOutcome | None = None
    decided_by: int | None = None
    target_kind: TargetKind = TargetKind.CONTENT
    has_account: bool = True  # the account behind the target is known
    calibration: bool = False  # a known-answer case: answers are scored, never enforced
    pending: PendingApproval | None = None
    enforced: frozenset[ActionKind] = frozenset()
    version: int = 0


# --- events ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    by: Reviewer
    now: datetime
    lease_seconds: int


@dataclass(frozen=True, slots=True)
class Release:
    by: Reviewer


@dataclass(frozen=True, slots=True)
class LeaseExpired:
    now: datetime


@dataclass(frozen=True, slots=True)
class Escalate:
    by: Reviewer
    now: datetime


@dataclass(frozen=True, slots=True)
class Decide:
    """The reviewer's answer: ``action=None`` is "no violation" (pass)."""

    by: Reviewer
    now: datetime
    action: ActionKind | None = None


@dataclass(frozen=True, slots=True)
class Approve:
    by: Reviewer


@dataclass(frozen=True, slots=True)
class Disagree:
    by: Reviewer


@dataclass(frozen=True, slots=True)
class RequireTier:
    """The system raises who may decide (an account past the close threshold goes to a lead); a claim held by
    someone below that tier is released."""

    tier: int
    holder_rank: int | None = None  # the claimer's rank, when the case is claimed


@dataclass(frozen=True, slots=True)
class Assign:
    """A senior or lead gives the case to a reviewer: a claim on their behalf, taking it from whoever held it."""

    by: Reviewer
    to: Reviewer
    now: datetime
    lease_seconds: int


Event = Claim | Release | LeaseExpired | Escalate | Decide | Approve | Disagree | RequireTier | Assign

# --- effects -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enforce:
    """Apply one action of ``kind``; ``approved_by`` is the second senior of a severe action."""

    kind: ActionKind
    decided_by: int
    approved_by: int | None = None


@dataclass(frozen=True, slots=True)
class RequestApproval:
    kind: ActionKind
    requested_by: int


@dataclass(frozen=True, slots=True)
class SettleReports:
    verified: bool  # verified reports may earn their reporters a reward


@dataclass(frozen=True, slots=True)
class RecordVerdict:
    """A reviewer's verdict on an article becomes its current decision (manual outranks automatic)."""

    block: bool


Effect = Enforce | RequestApproval | SettleReports | RecordVerdict


@dataclass(frozen=True, slots=True)
class Moved:
    state: CaseState
    effects: tuple[Effect, ...] = field(default=())
