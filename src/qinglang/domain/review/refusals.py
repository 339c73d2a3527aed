"""Refusals: the value a rule returns instead of a new state, with a stable code a person can act on.

A transition never raises. When an event does not apply (a decision on a closed case, a second approval by the
requester), it returns a :class:`Refusal`; the service turns it into the matching error only at the end
(:meth:`Refusal.error`), so the rules stay testable as plain functions. Codes are part of the public API: never
rename one, only add. The licence workflow (:mod:`qinglang.qualification.verification`) refuses with the same
:class:`Refusal` and codes from the same :class:`RefusalCode`: one refusal type, one code list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qinglang.errors import Conflict, Forbidden, InvalidInput, QinglangError


class RefusalCode(StrEnum):
    CASE_CLOSED = "case_closed"
    CASE_PENDING_APPROVAL = "case_pending_approval"
    CLAIM_REQUIRED = "claim_required"
    CASE_CLAIMED = "case_claimed"
    CASE_ESCALATED = "case_escalated"
    CASE_NOT_YOURS = "case_not_yours"
    LEASE_ACTIVE = "lease_active"
    ACTION_TARGET = "action_target"
    ROLE_INSUFFICIENT = "role_insufficient"
    TWO_PERSON_RULE = "two_person_rule"
    APPROVAL_SETTLED = "approval_settled"
    APPEAL_SETTLED = "appeal_settled"
    APPEAL_SAME_REVIEWER = "appeal_same_reviewer"
    # the licence verification workflow (qinglang.qualification.verification)
    REVIEWER_REQUIRED = "reviewer_required"
    REASON_REQUIRED = "reason_required"
    SELF_REVIEW = "self_review"
    SUBMITTER_REQUIRED = "submitter_required"
    LICENCE_CLAIMED = "licence_claimed"
    LICENCE_NOT_YOURS = "licence_not_yours"
    LICENCE_STATUS = "licence_status"
    LICENCE_EXPIRED = "licence_expired"
    LICENCE_NOT_EXPIRED = "licence_not_expired"


_FORBIDDEN = {RefusalCode.ROLE_INSUFFICIENT, RefusalCode.TWO_PERSON_RULE, RefusalCode.APPEAL_SAME_REVIEWER,
              RefusalCode.REVIEWER_REQUIRED, RefusalCode.SELF_REVIEW, RefusalCode.SUBMITTER_REQUIRED,
              RefusalCode.LICENCE_NOT_YOURS}
_INVALID = {RefusalCode.ACTION_TARGET, RefusalCode.REASON_REQUIRED}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an event was not applied. ``code`` is stable; ``message`` says what to do instead."""

    code: RefusalCode
    message: str

    def error(self) -> QinglangError:
        """The error an edge reports: 403 for who may not, 422 for what cannot be, 409 for when it is too late."""
        if self.code in _FORBIDDEN:
            return Forbidden(self.message, code=self.code.value)
        if self.code in _INVALID:
            return InvalidInput(self.message, code=self.code.value)
        return Conflict(self.message, code=self.code.value)


def refuse(code: RefusalCode, message: str) -> Refusal:
    return Refusal(code, message)
