"""Refusals of the licence workflow: the value :func:`~qinglang.qualification.verification.transition` returns
instead of a new state, with a stable code a person can act on.

A transition never raises. The service turns a refusal into an error only at the edge (:meth:`Refusal.error`):
403 for who may not, 422 for a missing reason, 409 for what the licence's state does not allow. Codes are part of
the public API: never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qinglang.errors import Conflict, Forbidden, InvalidInput, QinglangError


class RefusalCode(StrEnum):
    """Why an event was not applied. Stable: part of the API, never renamed."""

    REVIEWER_REQUIRED = "reviewer_required"
    REASON_REQUIRED = "reason_required"
    SELF_REVIEW = "self_review"
    SUBMITTER_REQUIRED = "submitter_required"
    LICENCE_CLAIMED = "licence_claimed"
    LICENCE_NOT_YOURS = "licence_not_yours"
    LICENCE_STATUS = "licence_status"
    LICENCE_EXPIRED = "licence_expired"
    LICENCE_NOT_EXPIRED = "licence_not_expired"


_FORBIDDEN = {RefusalCode.REVIEWER_REQUIRED, RefusalCode.SELF_REVIEW, RefusalCode.SUBMITTER_REQUIRED,
              RefusalCode.LICENCE_NOT_YOURS}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an event was not applied: ``code`` is stable, ``message`` says what to do instead."""

    code: RefusalCode
    message: str

    def error(self) -> QinglangError:
        """403 for who may not, 422 for a missing reason, 409 for what the licence's state does not allow."""
        if self.code in _FORBIDDEN:
            return Forbidden(self.message, code=self.code.value)
        if self.code is RefusalCode.REASON_REQUIRED:
            return InvalidInput(self.message, code=self.code.value)
        return Conflict(self.message, code=self.code.value)
