"""Deciding a sweep's cases in bulk: one decision (usually the seed's action) applied to the selected cases.

Each selected case is claimed and decided in its own transaction through the ordinary path
(``queue.claim_case`` then ``decisions.decide``), so every rule of a single decision holds for each: the
two-person rule sends a severe action (close, blacklist) to a second senior, each action is written with its
outbox event in the decision's transaction and delivered once, each step is audited. A case that cannot be
decided — decided already, held by another reviewer, no longer open — is reported with its refusal code and
the others go on; two leads deciding the same sweep at once decide each case once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from qinglang.errors import QinglangError
from qinglang.services.review import decisions, queue
from qinglang.services.review.users import User
from qinglang.services.sweeps import get_sweep
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event

NOT_IN_SWEEP = "case_not_in_sweep"


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk decision did: cases decided, cases waiting for a second senior, cases refused (with code)."""

    decided: tuple[int, ...] = ()
    pending_approval: tuple[int, ...] = ()
    refused: tuple[tuple[int, str], ...] = ()


def _decide_one(sessions: sessionmaker[Session], case_id: int, user: User, choice: str, reason: str, review):
    with transaction(sessions) as session:
        queue.claim_case(session, case_id, user, lease_seconds=review.lease_seconds)
        return decisions.decide(session, case_id, user, choice, reason, review=review)


def decide_in_bulk(sessions: sessionmaker[Session], sweep_id: int, case_ids: Iterable[int], user: User,
                   choice: str, reason: str, *, review) -> BulkOutcome:
    """Apply ``choice`` with ``reason`` to every selected case of the sweep (see the module docstring)."""
    decisions.parse_choice(choice)
    decisions.require_reason(reason)
    with transaction(sessions) as session:
        in_sweep = {i.case_id for i in get_sweep(session, sweep_id).items if i.case_id is not None}
    decided, pending, refused = [], [], []
    for case_id in dict.fromkeys(case_ids):
        if case_id not in in_sweep:
            refused.append((case_id, NOT_IN_SWEEP))
            continue
        try:
            outcome = _decide_one(sessions, case_id, user, choice, reason, review)
        except QinglangError as exc:
            refused.append((case_id, exc.code))
            continue
        (pending if outcome.approval_id is not None else decided).append(case_id)
    result = BulkOutcome(tuple(decided), tuple(pending), tuple(refused))
    with transaction(sessions) as session:
        append_audit_event(session, user.actor, "sweep.decided", "sweep", sweep_id,
                           {"choice": choice, "decided": list(result.decided),
                            "pending_approval": list(result.pending_approval),
                            "refused": [list(r) for r in result.refused]})
    return result
