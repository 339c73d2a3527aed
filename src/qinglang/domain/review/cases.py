"""The life of a case as one pure function: ``transition(state, event)`` returns the next state and the effects
it asks for, or a :class:`~qinglang.domain.review.refusals.Refusal`.

Contract:

1. **Pure.** No clock, no database: the event carries ``now`` and the reviewer; the state carries everything
   the rules read (status, tier, claim, the pending approval, the action kinds already taken on this case).
2. **Every accepted event bumps ``version``.** Services persist the new state with a compare-and-set on the
   old version (``UPDATE ... WHERE id = :id AND version = :old``), so of two identical events that race, one
   is applied and the other sees the new state and is refused: a double click cannot act twice.
3. **Effects are requests, not deeds.** ``Enforce(kind)`` asks the service to apply one action. A kind already
   in ``state.enforced`` is never asked for again, so no sequence of events yields two actions of one kind on
   one case (the property tests in ``tests/unit/test_review_transitions.py`` try thousands of sequences).
4. **Severe kinds wait for a second senior** (two-person rule) unless a lead decides a lead-tier case.

The events a case accepts::

    open ──Claim──▶ claimed ──Decide(pass | action)──▶ closed
      ▲               │  ├──Escalate──▶ open (tier + 1)
      └─Release / LeaseExpired─┘  └──Decide(severe)──▶ pending_approval ──Approve──▶ closed
                                                              └──Disagree──▶ open (lead tier)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

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
from qinglang.domain.review.refusals import Refusal, RefusalCode, refuse
from qinglang.domain.review.vocabulary import (
    ACTIONS,
    LEAD_TIER,
    ActionKind,
    ActionTarget,
    CaseOutcome,
    CaseStatus,
    Reviewer,
    ReviewerRole,
    TargetKind,
)


def transition(state: CaseState, event: Event) -> Moved | Refusal:
    """The next state of a case after ``event``, with the effects it asks for; or why the event is refused."""
    return _HANDLERS[type(event)](state, event)


# --- claims ------------------------------------------------------------------------------------------------


def _claim(s: CaseState, e: Claim) -> Moved | Refusal:
    refusal = _settled(s) or _may_review(e.by) or _within_tier(s, e.by)
    if refusal:
        return refusal
    if s.status is CaseStatus.CLAIMED and s.claimed_by != e.by.id and _lease_running(s, e.now):
        return refuse(RefusalCode.CASE_CLAIMED, "another reviewer holds this case; take the next one")
    lease = e.now + timedelta(seconds=e.lease_seconds)
    return _moved(s, status=CaseStatus.CLAIMED, claimed_by=e.by.id, lease_expires_at=lease)


def _assign(s: CaseState, e: Assign) -> Moved | Refusal:
    """Assignment and reassignment: a senior or lead may give an undecided case to any reviewer its tier allows,
    whoever holds it now (the holder loses the claim)."""
    refusal = _settled(s)
    if refusal:
        return refusal
    if e.by.rank < ReviewerRole.SENIOR.rank:
        return refuse(RefusalCode.ROLE_INSUFFICIENT, f"assigning cases needs the senior role or higher; you are {e.by.role}")
    refusal = _may_review(e.to) or _within_tier(s, e.to)
    if refusal:
        return refusal
    lease = e.now + timedelta(seconds=e.lease_seconds)
    return _moved(s, status=CaseStatus.CLAIMED, claimed_by=e.to.id, lease_expires_at=lease)


def _release(s: CaseState, e: Release) -> Moved | Refusal:
    if s.status is not CaseStatus.CLAIMED or s.claimed_by != e.by.id:
        return refuse(RefusalCode.CASE_NOT_YOURS, "you do not hold this case")
    return _moved(s, **_UNCLAIMED)


def _lease_expired(s: CaseState, e: LeaseExpired) -> Moved | Refusal:
    if s.status is not CaseStatus.CLAIMED or _lease_running(s, e.now):
        return refuse(RefusalCode.LEASE_ACTIVE, "the claim on this case has not expired")
    return _moved(s, **_UNCLAIMED)


# --- decisions ---------------------------------------------------------------------------------------------


def _escalate(s: CaseState, e: Escalate) -> Moved | Refusal:
    refusal = _holds(s, e.by, e.now)
    if refusal:
        return refusal
    if s.calibration:
        return _close(s, e.by, CaseOutcome.CALIBRATION)
    return _moved(s, tier=min(s.tier + 1, LEAD_TIER), **_UNCLAIMED)


def _decide(s: CaseState, e: Decide) -> Moved | Refusal:
    refusal = _holds(s, e.by, e.now)
    if refusal:
        return refusal
    if s.calibration:
        return _close(s, e.by, CaseOutcome.CALIBRATION)
    if e.action is None:
        return _close(s, e.by, CaseOutcome.NO_VIOLATION, (SettleReports(False), RecordVerdict(False)))
    return _enforce(s, e.by, e.action)


def _enforce(s: CaseState, by: Reviewer, kind: ActionKind) -> Moved | Refusal:
    spec = ACTIONS[kind]
    refusal = _target_refusal(s, spec.target, kind)
    if refusal:
        return refusal
    effects: list[Effect] = [RecordVerdict(True)]
    if s.target_kind is TargetKind.CONTENT and spec.target not in (ActionTarget.CONTENT, ActionTarget.BOOK):
        effects += _once(s, Enforce(ActionKind.TAKE_DOWN, by.id))  # a step against the account takes the article down
    if spec.severe and not _final_say(s, by):  # reports are settled (and rewarded) once a second senior approves
        enforced = s.enforced | {e.kind for e in effects if isinstance(e, Enforce)}
        return _moved(s, (*effects, RequestApproval(kind, by.id)), status=CaseStatus.PENDING_APPROVAL,
                      outcome=CaseOutcome.VIOLATION, decided_by=by.id, pending=PendingApproval(kind, by.id),
                      enforced=enforced, claimed_by=None, lease_expires_at=None)
    effects.append(SettleReports(True))
    effects += _once(replace(s, enforced=s.enforced | _kinds(effects)), Enforce(kind, by.id))
    return _close(s, by, CaseOutcome.VIOLATION, tuple(effects))


def _approve(s: CaseState, e: Approve) -> Moved | Refusal:
    refusal = _second_senior(s, e.by)
    if refusal:
        return refusal
    assert s.pending is not None
    enforce = _once(s, Enforce(s.pending.kind, s.pending.requested_by, approved_by=e.by.id))
    return _moved(s, (SettleReports(True), *enforce), status=CaseStatus.CLOSED, outcome=CaseOutcome.VIOLATION, pending=None,
                  enforced=s.enforced | _kinds(enforce))


def _disagree(s: CaseState, e: Disagree) -> Moved | Refusal:
    refusal = _second_senior(s, e.by)
    if refusal:
        return refusal
    return _moved(s, status=CaseStatus.OPEN, tier=LEAD_TIER, pending=None, claimed_by=None, lease_expires_at=None)


def _require_tier(s: CaseState, e: RequireTier) -> Moved | Refusal:
    if s.status is CaseStatus.CLOSED:
        return refuse(RefusalCode.CASE_CLOSED, "this case is closed; nothing more can be decided on it")
    tier = max(s.tier, min(e.tier, LEAD_TIER))
    if s.status is CaseStatus.CLAIMED and (e.holder_rank is None or e.holder_rank < tier):
        return _moved(s, tier=tier, **_UNCLAIMED)
    return _moved(s, tier=tier)


_HANDLERS = {Assign: _assign, RequireTier: _require_tier, Claim: _claim, Release: _release, LeaseExpired: _lease_expired, Escalate: _escalate, Decide: _decide,
             Approve: _approve, Disagree: _disagree}

# --- the rules' small questions ----------------------------------------------------------------------------

_UNCLAIMED = {"status": CaseStatus.OPEN, "claimed_by": None, "lease_expires_at": None}


def _moved(s: CaseState, effects: tuple[Effect, ...] | list[Effect] = (), **changes) -> Moved:
    return Moved(replace(s, version=s.version + 1, **changes), tuple(effects))


def _close(s: CaseState, by: Reviewer, outcome: CaseOutcome, effects: tuple[Effect, ...] = ()) -> Moved:
    return _moved(s, effects, status=CaseStatus.CLOSED, outcome=outcome, decided_by=by.id, claimed_by=None,
                  lease_expires_at=None, enforced=s.enforced | _kinds(effects))


def _once(s: CaseState, enforce: Enforce) -> tuple[Enforce, ...]:
    """Ask for the action only if this case has not taken it already."""
    return () if enforce.kind in s.enforced else (enforce,)


def _kinds(effects) -> frozenset[ActionKind]:
    return frozenset(e.kind for e in effects if isinstance(e, Enforce))


def _lease_running(s: CaseState, now: datetime) -> bool:
    return s.lease_expires_at is not None and s.lease_expires_at >= now


def _final_say(s: CaseState, by: Reviewer) -> bool:
    return s.tier >= LEAD_TIER and by.rank >= ReviewerRole.LEAD.rank


def _settled(s: CaseState) -> Refusal | None:
    if s.status is CaseStatus.CLOSED:
        return refuse(RefusalCode.CASE_CLOSED, "this case is closed; nothing more can be decided on it")
    if s.status is CaseStatus.PENDING_APPROVAL:
        return refuse(RefusalCode.CASE_PENDING_APPROVAL, "this case waits for a second senior's approval")
    return None


def _may_review(by: Reviewer) -> Refusal | None:
    if by.rank < ReviewerRole.REVIEWER.rank:
        return refuse(RefusalCode.ROLE_INSUFFICIENT, f"this needs the reviewer role or higher; you are {by.role}")
    return None


def _within_tier(s: CaseState, by: Reviewer) -> Refusal | None:
    if s.tier > by.rank:
        return refuse(RefusalCode.CASE_ESCALATED, "this case was escalated above your role; a senior or lead reviews it")
    return None


def _holds(s: CaseState, by: Reviewer, now: datetime) -> Refusal | None:
    """A decision needs the decider to hold an unexpired claim on an undecided case."""
    refusal = _settled(s) or _may_review(by)
    if refusal:
        return refusal
    if s.status is not CaseStatus.CLAIMED or s.claimed_by != by.id or not _lease_running(s, now):
        return refuse(RefusalCode.CLAIM_REQUIRED, "claim this case (key c) before deciding; your lease may have expired")
    return None


def _second_senior(s: CaseState, by: Reviewer) -> Refusal | None:
    if s.status is not CaseStatus.PENDING_APPROVAL or s.pending is None:
        return refuse(RefusalCode.APPROVAL_SETTLED, "this approval is already settled")
    if by.rank < ReviewerRole.SENIOR.rank:
        return refuse(RefusalCode.ROLE_INSUFFICIENT, f"this needs the senior role or higher; you are {by.role}")
    if by.id == s.pending.requested_by:
        return refuse(RefusalCode.TWO_PERSON_RULE, "two-person rule: a different senior reviewer must approve")
    return None


def _target_refusal(s: CaseState, target: ActionTarget, kind: ActionKind) -> Refusal | None:
    if target is ActionTarget.CONTENT and s.target_kind is not TargetKind.CONTENT:
        return refuse(RefusalCode.ACTION_TARGET, f"{kind} applies to an article; this case is about an account")
    if target is ActionTarget.BOOK and s.target_kind is TargetKind.ACCOUNT:
        return refuse(RefusalCode.ACTION_TARGET, f"{kind} applies to a book or one of its chapters; this case is "
                      "about an account")
    if target is ActionTarget.CONTENT and s.target_kind is TargetKind.BOOK:
        return refuse(RefusalCode.ACTION_TARGET, f"{kind} applies to an article; this case is about a book")
    if target is ActionTarget.ACCOUNT and not s.has_account:
        return refuse(RefusalCode.ACTION_TARGET, "the account of this article is unknown to qinglang")
    return None
