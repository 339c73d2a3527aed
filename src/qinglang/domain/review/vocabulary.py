"""The words of the review half, each defined once: statuses, roles, queues and the table of action kinds.

Every status is a ``StrEnum`` whose value is what the database stores and the API shows, so
``CaseStatus.CLAIMED == "claimed"`` and a row's string can be read back with ``CaseStatus(row.status)``.
The glossary (docs/glossary.md) defines the nouns; this module fixes their spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from qinglang.domain.model import HARM_CATEGORIES, Category


class CaseStatus(StrEnum):
    """Where a case is in its life: waiting, held by one reviewer, waiting for a second senior, done."""

    OPEN = "open"
    CLAIMED = "claimed"
    PENDING_APPROVAL = "pending_approval"
    CLOSED = "closed"


OPEN_CASE_STATES: tuple[CaseStatus, ...] = (CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.PENDING_APPROVAL)


class CaseOutcome(StrEnum):
    VIOLATION = "violation"
    NO_VIOLATION = "no_violation"
    CALIBRATION = "calibration"  # a known-answer case: the answer is scored, never enforced
    MERGED = "merged"  # a duplicate of another open case on the same target (merged on upgrade)


class CaseSource(StrEnum):
    REPORT = "report"
    VERDICT = "verdict"  # an automatic `review` verdict, or a platform's POST /v1/cases
    STRIKES = "strikes"  # an account crossed the close threshold
    SWEEP = "sweep"
    CALIBRATION = "calibration"


class TargetKind(StrEnum):
    """What a case or a report is about."""

    CONTENT = "content"
    ACCOUNT = "account"
    BOOK = "book"  # a whole serialized work (qinglang.domain.books)


class ReportStatus(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"  # the case ended in a violation
    REJECTED = "rejected"
    MERGED = "merged"  # a repeat of an earlier report by the same reader (merged on upgrade)


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ESCALATED = "escalated"  # the second senior disagreed; a lead decides
    MERGED = "merged"  # its case was merged into another open case on the same target


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    MERGED = "merged"  # a repeat of an earlier open appeal of the same action (merged on upgrade)


class ActionStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVERTED = "reverted"
    DONE = "done"  # a reversal record: it happened once and has no duration


class AccountStatus(StrEnum):
    """An account's standing; a stronger action only ever raises it (``rank``)."""

    ACTIVE = "active"
    RESTRICTED = "restricted"
    SUSPENDED = "suspended"
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        return list(AccountStatus).index(self)


class DecisionStage(StrEnum):
    REVIEW = "review"
    APPROVAL = "approval"
    APPEAL = "appeal"


class RewardStatus(StrEnum):
    CREDITED = "credited"
    APPROVED = "approved"
    REFUSED = "refused"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class ReviewerRole(StrEnum):
    """Console roles. ``rank`` orders the reviewing roles; the auditor reads everything and decides nothing."""

    AUDITOR = "auditor"
    REVIEWER = "reviewer"
    SENIOR = "senior"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]


_ROLE_RANK = {"auditor": -1, "reviewer": 0, "senior": 1, "lead": 2, "admin": 3}
LEAD_TIER = 2  # a case at this tier is decided by a lead, whose decision is final


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who acts on a case, as the rules see them: an id and a role."""

    id: int
    role: ReviewerRole

    @property
    def rank(self) -> int:
        return self.role.rank


# --- queues ------------------------------------------------------------------------------------------------

OTHER = "other"  # a report reason and queue for anything outside the taxonomy
STRIKES_QUEUE = "strikes"  # accounts past the close threshold
SWEEP_QUEUE = "sweep"  # contents a sweep found, each linked to its seed with a reason
REPORT_REASONS: tuple[str, ...] = (*(c.value for c in HARM_CATEGORIES), OTHER)
QUEUES: tuple[str, ...] = (*REPORT_REASONS, STRIKES_QUEUE, SWEEP_QUEUE)
_CATEGORY_SEVERITY = {Category.PORN: 2, Category.ILLICIT_AD: 2, Category.GAMBLING: 2, Category.FRAUD: 3,
                      Category.ABUSE: 1}  # 3 severe .. 1 mild
QUEUE_SEVERITY: Mapping[str, int] = {**{c.value: _CATEGORY_SEVERITY[c] for c in HARM_CATEGORIES}, OTHER: 1,
                                     STRIKES_QUEUE: 3, SWEEP_QUEUE: 2}


def queue_for(category: Category | str) -> str:
    """The queue of a category: the category itself, or ``other`` for ``none`` and unknown labels."""
    value = str(category)
    return value if value in REPORT_REASONS else OTHER


# --- actions -----------------------------------------------------------------------------------------------


class ActionKind(StrEnum):
    TAKE_DOWN = "take_down"
    TAKE_DOWN_BOOK = "take_down_book"  # every chapter of a book off the shelves at once
    DISABLE_LINKS = "disable_links"
    RESTRICT = "restrict"
    SUSPEND = "suspend"
    CLOSE = "close"
    BLACKLIST = "blacklist"
    REVERT = "revert"  # the record of undoing another action; never decided directly


class ActionTarget(StrEnum):
    CONTENT = "content"  # the case's article
    ACCOUNT = "account"  # the account behind it
    BOOK = "book"  # the book of the case's chapter, or the book the case is about
    ENTITY = "entity"  # a register entry (an account, domain, contact ... given with the decision)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """What one kind of action does: what it targets, the account status it sets, the strike points it adds,
    whether it is severe (two-person rule) and whether it lasts a number of days."""

    kind: ActionKind
    target: ActionTarget
    sets_status: AccountStatus | None = None
    strike_points: int = 0
    severe: bool = False
    lasts_days: bool = False


ACTIONS: Mapping[ActionKind, ActionSpec] = {
    spec.kind: spec
    for spec in (
        ActionSpec(ActionKind.TAKE_DOWN, ActionTarget.CONTENT, strike_points=1),
        ActionSpec(ActionKind.TAKE_DOWN_BOOK, ActionTarget.BOOK, strike_points=2),
        ActionSpec(ActionKind.DISABLE_LINKS, ActionTarget.CONTENT, strike_points=1),
        ActionSpec(ActionKind.RESTRICT, ActionTarget.ACCOUNT, AccountStatus.RESTRICTED, strike_points=1),
        ActionSpec(ActionKind.SUSPEND, ActionTarget.ACCOUNT, AccountStatus.SUSPENDED, strike_points=2, lasts_days=True),
        ActionSpec(ActionKind.CLOSE, ActionTarget.ACCOUNT, AccountStatus.CLOSED, strike_points=3, severe=True),
        ActionSpec(ActionKind.BLACKLIST, ActionTarget.ENTITY, severe=True),
    )
}
DECIDABLE_ACTIONS: tuple[ActionKind, ...] = tuple(ACTIONS)
PASS, ESCALATE = "pass", "escalate"
CHOICES: tuple[str, ...] = (PASS, ESCALATE, *DECIDABLE_ACTIONS)  # what a reviewer may answer, in console order
MIN_SUSPEND_DAYS, MAX_SUSPEND_DAYS, DEFAULT_SUSPEND_DAYS = 1, 3650, 7
