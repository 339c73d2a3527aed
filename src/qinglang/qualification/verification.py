"""The verification of one licence as one pure function: ``transition(state, event)`` returns the next state or
a :class:`Refusal` with a stable code.

Contract:

1. **Pure.** Events carry ``now`` and the actor; the state carries what the rules read. Nothing reads a clock.
2. **Nothing is verified on the caller's word.** :func:`submit` is the only way a licence comes into being and it
   always starts ``submitted``; the only event that reaches ``verified`` is :class:`Approve`, by a reviewer who
   holds the review, is not the submitter, and gives a reason.
3. **Every decision names its reviewer and its reason.** Approve, Reject and Revoke without a reviewer or with a
   blank reason are refused (``reviewer_required``, ``reason_required``); so is any decision by the submitter
   (``self_review``).
4. **Every accepted event bumps ``version``.** Services persist with a compare-and-set on the old version, so of
   two reviewers who click at once one wins and the other is refused on the new state.
5. **An expired licence never counts.** :func:`counts_as_valid` reads the dates as well as the status, so a
   licence past its end date is not valid even before the worker has recorded :class:`Expire`.

The events a licence accepts::

    submit ─▶ submitted ──StartReview──▶ under_review ──Approve──▶ verified ──Expire (end date passed)──▶ expired
                 ▲  ▲                      │   │                      └──Revoke──▶ revoked ◀──Revoke──┘
                 │  └──────Release─────────┘   └──Reject──▶ rejected
                 └────────────Resubmit──────────────────────────┘
    Withdraw (by the submitter): submitted, under_review or rejected ──▶ withdrawn
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from qinglang.domain.review.vocabulary import Reviewer
from qinglang.qualification.licences import validity_end, validity_start
from qinglang.qualification.refusals import Refusal, RefusalCode

DEFAULT_LEASE_SECONDS = 1800


class LicenceStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"


class ActorKind(StrEnum):
    REVIEWER = "reviewer"  # a console user of the compliance team
    OPERATOR = "operator"  # the licence holder (through the platform's API, or the console on its behalf)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends an event. A reviewer is the review half's :class:`~qinglang.domain.review.Reviewer` (a console
    user), named here by its id; :attr:`key` is the form stored in a row and the audit log (``reviewer:12``)."""

    kind: ActorKind
    id: str

    @classmethod
    def of_reviewer(cls, reviewer: Reviewer) -> Actor:
        return cls(ActorKind.REVIEWER, str(reviewer.id))

    @classmethod
    def parse(cls, key: str) -> Actor:
        """The actor a stored :attr:`key` names."""
        kind, _, ident = key.partition(":")
        return cls(ActorKind(kind), ident)

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class VerificationState:
    """What the rules need to know about one licence's verification."""

    status: LicenceStatus
    submitted_by: Actor
    submitted_at: datetime
    valid_from: date | None = None
    valid_until: date | None = None
    reviewer: Actor | None = None  # who holds the review (under_review)
    lease_expires_at: datetime | None = None
    decided_by: Actor | None = None
    decided_at: datetime | None = None
    reason: str = ""  # the last decision's reason
    version: int = 0


# --- events ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartReview:
    action: ClassVar[str] = "licence.review_started"
    by: Actor | None
    now: datetime
    lease_seconds: int = DEFAULT_LEASE_SECONDS


@dataclass(frozen=True, slots=True)
class Release:
    action: ClassVar[str] = "licence.review_released"
    by: Actor | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Approve:
    action: ClassVar[str] = "licence.verified"
    by: Actor | None
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Reject:
    action: ClassVar[str] = "licence.rejected"
    by: Actor | None
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Revoke:
    action: ClassVar[str] = "licence.revoked"
    by: Actor | None
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Resubmit:
    """The submitter sends the licence again after a rejection, with the dates as now given."""

    action: ClassVar[str] = "licence.resubmitted"
    by: Actor | None
    now: datetime
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class Withdraw:
    action: ClassVar[str] = "licence.withdrawn"
    by: Actor | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Expire:
    """The clock: the licence's end date has passed (sent by the worker; needs no reviewer)."""

    action: ClassVar[str] = "licence.expired"
    now: datetime


Event = StartReview | Release | Approve | Reject | Revoke | Resubmit | Withdraw | Expire


def submit(by: Actor | None, now: datetime, *, valid_from: date | None = None,
           valid_until: date | None = None) -> VerificationState | Refusal:
    """A new licence, always ``submitted``: there is no way to create one in any other state."""
    if by is None:
        return Refusal(RefusalCode.SUBMITTER_REQUIRED, "say who submits the licence")
    return VerificationState(LicenceStatus.SUBMITTED, by, now, valid_from, valid_until)


def transition(state: VerificationState, event: Event) -> VerificationState | Refusal:
    """The next state after ``event``, or why it is refused. An accepted event bumps ``version``."""
    moved = _HANDLERS[type(event)](state, event)
    return moved if isinstance(moved, Refusal) else replace(moved, version=state.version + 1)


def counts_as_valid(state: VerificationState, now: datetime) -> bool:
    """Whether the licence may satisfy a requirement at ``now``: verified, and its dates cover ``now``."""
    if state.status is not LicenceStatus.VERIFIED:
        return False
    if state.valid_from is not None and now < validity_start(state.valid_from):
        return False
    return state.valid_until is None or now < validity_end(state.valid_until)


# --- checks shared by the handlers -------------------------------------------------------------------------


def _status(s: VerificationState, allowed: tuple[LicenceStatus, ...], doing: str) -> Refusal | None:
    if s.status in allowed:
        return None
    return Refusal(RefusalCode.LICENCE_STATUS, f"cannot {doing} a licence that is {s.status}; it must be "
                   f"{' or '.join(allowed)}")


def _reviewer(s: VerificationState, by: Actor | None) -> Refusal | None:
    if by is None or by.kind is not ActorKind.REVIEWER:
        return Refusal(RefusalCode.REVIEWER_REQUIRED, "only a named reviewer may do this; sign in as a reviewer")
    if by == s.submitted_by:
        return Refusal(RefusalCode.SELF_REVIEW, "a licence is reviewed by someone other than the person who "
                       "submitted it; leave it to another reviewer")
    return None


def _reason(reason: str) -> Refusal | None:
    if reason and reason.strip():
        return None
    return Refusal(RefusalCode.REASON_REQUIRED, "give the reason for this decision; it is kept in the audit log")


def _holder(s: VerificationState, by: Actor | None) -> Refusal | None:
    if s.reviewer == by:
        return None
    return Refusal(RefusalCode.LICENCE_NOT_YOURS, "you do not hold the review of this licence; start the review first")


def _submitter(s: VerificationState, by: Actor | None) -> Refusal | None:
    if by is not None and by == s.submitted_by:
        return None
    return Refusal(RefusalCode.SUBMITTER_REQUIRED, "only the operator who submitted the licence may do this")


def _decided(s: VerificationState, status: LicenceStatus, by: Actor, reason: str, now: datetime) -> VerificationState:
    return replace(s, status=status, reviewer=None, lease_expires_at=None, decided_by=by, decided_at=now,
                   reason=reason.strip())


# --- handlers ----------------------------------------------------------------------------------------------


def _start_review(s: VerificationState, e: StartReview) -> VerificationState | Refusal:
    refusal = _status(s, (LicenceStatus.SUBMITTED, LicenceStatus.UNDER_REVIEW), "review") or _reviewer(s, e.by)
    if refusal:
        return refusal
    held = s.status is LicenceStatus.UNDER_REVIEW and s.reviewer != e.by
    if held and s.lease_expires_at is not None and e.now < s.lease_expires_at:
        return Refusal(RefusalCode.LICENCE_CLAIMED, "another reviewer is reviewing this licence; take the next one")
    lease = e.now + timedelta(seconds=e.lease_seconds)
    return replace(s, status=LicenceStatus.UNDER_REVIEW, reviewer=e.by, lease_expires_at=lease)


def _release(s: VerificationState, e: Release) -> VerificationState | Refusal:
    refusal = _status(s, (LicenceStatus.UNDER_REVIEW,), "release") or _holder(s, e.by)
    return refusal or replace(s, status=LicenceStatus.SUBMITTED, reviewer=None, lease_expires_at=None)


def _approve(s: VerificationState, e: Approve) -> VerificationState | Refusal:
    refusal = (_status(s, (LicenceStatus.UNDER_REVIEW,), "verify") or _reviewer(s, e.by) or _holder(s, e.by)
               or _reason(e.reason))
    if refusal:
        return refusal
    if s.valid_until is not None and e.now >= validity_end(s.valid_until):
        return Refusal(RefusalCode.LICENCE_EXPIRED, "this licence's end date has passed; reject it and ask for "
                       "the renewed licence")
    return _decided(s, LicenceStatus.VERIFIED, e.by, e.reason, e.now)


def _reject(s: VerificationState, e: Reject) -> VerificationState | Refusal:
    refusal = (_status(s, (LicenceStatus.UNDER_REVIEW,), "reject") or _reviewer(s, e.by) or _holder(s, e.by)
               or _reason(e.reason))
    return refusal or _decided(s, LicenceStatus.REJECTED, e.by, e.reason, e.now)


def _revoke(s: VerificationState, e: Revoke) -> VerificationState | Refusal:
    refusal = (_status(s, (LicenceStatus.VERIFIED, LicenceStatus.EXPIRED), "revoke") or _reviewer(s, e.by)
               or _reason(e.reason))
    return refusal or _decided(s, LicenceStatus.REVOKED, e.by, e.reason, e.now)


def _resubmit(s: VerificationState, e: Resubmit) -> VerificationState | Refusal:
    refusal = _status(s, (LicenceStatus.REJECTED,), "resubmit") or _submitter(s, e.by)
    if refusal:
        return refusal
    return replace(s, status=LicenceStatus.SUBMITTED, submitted_at=e.now, valid_from=e.valid_from,
                   valid_until=e.valid_until, reviewer=None, lease_expires_at=None)


def _withdraw(s: VerificationState, e: Withdraw) -> VerificationState | Refusal:
    allowed = (LicenceStatus.SUBMITTED, LicenceStatus.UNDER_REVIEW, LicenceStatus.REJECTED)
    refusal = _status(s, allowed, "withdraw") or _submitter(s, e.by)
    return refusal or replace(s, status=LicenceStatus.WITHDRAWN, reviewer=None, lease_expires_at=None)


def _expire(s: VerificationState, e: Expire) -> VerificationState | Refusal:
    refusal = _status(s, (LicenceStatus.VERIFIED,), "expire")
    if refusal:
        return refusal
    if s.valid_until is None or e.now < validity_end(s.valid_until):
        return Refusal(RefusalCode.LICENCE_NOT_EXPIRED, "this licence's end date has not passed")
    return replace(s, status=LicenceStatus.EXPIRED)


_HANDLERS = {StartReview: _start_review, Release: _release, Approve: _approve, Reject: _reject, Revoke: _revoke,
             Resubmit: _resubmit, Withdraw: _withdraw, Expire: _expire}
