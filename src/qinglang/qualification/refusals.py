"""Refusals of the licence workflow: the value :func:`~qinglang.qualification.verification.transition` returns
instead of a new state, with a stable code a person can act on.

There is one refusal type in qinglang: the review half's :class:`~qinglang.domain.review.Refusal`, whose
:class:`~qinglang.domain.review.RefusalCode` holds the licence codes too (``reviewer_required``,
``reason_required``, ``self_review``, ``licence_status`` ...). A transition never raises; the service turns a
refusal into an error only at the edge (:meth:`Refusal.error`): 403 for who may not, 422 for a missing reason, 409
for what the licence's state does not allow. Codes are part of the public API: never rename one, only add.
"""

from __future__ import annotations

from qinglang.domain.review.refusals import Refusal, RefusalCode

__all__ = ["Refusal", "RefusalCode"]
