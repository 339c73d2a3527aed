"""The account stage: what screening knows about the account behind an item, as signals the policy can read.

Pure: the service layer reads the account (its status, its operator and the operator's identity digest, its credit
grade) and passes an :class:`AccountStanding`; :func:`standing_outcome` turns it into the outcome of the pseudo
detector ``account``, which runs before the register stage:

- ``account.status/closed`` and ``account.status/suspended`` (score 1, severity 3) with the account's status as
  evidence: the shipped policy blocks such content (``account-not-active-block``), with the reason;
- ``account.grade/a`` .. ``account.grade/e`` (score 1, severity 0): the account's credit grade, for rules such as
  ``account-low-grade-review`` (a D or E account's borderline hits go to a person);
- ``account.sample`` (severity 0) when the account has a grade and the item an id: a score in ``[0, 1)`` fixed by
  the item's content id (:func:`sample_point`), so a rule can send a deterministic share of items to review
  (the shipped ``high_grade_sampled_out`` guard: a grade-A account's minor hit goes to review only when the point
  is below ``thresholds.account.high_grade_sample``). Every version of one content gets the same point;
- ``account.operator`` (score 0, severity 0) once per operator key (its id, its identity digest, the ids of operators
  with the same identity), each with ``attrs.target_kind = "operator"``: the register stage matches them against
  ``operator`` list entries like any other target, so a blacklisted operator's content is ``register.blocked/operator``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from qinglang.domain import DetectorOutcome, Evidence, Signal

ACCOUNT = "account"
ACCOUNT_VERSION = "1"
NOT_ACTIVE = ("suspended", "closed")


@dataclass(frozen=True, slots=True)
class AccountStanding:
    """The account behind an item, as screening sees it."""

    account_id: str
    status: str = "active"
    grade: str | None = None
    operator_keys: tuple[str, ...] = ()  # operator id, identity digest, ids of operators with the same identity
    status_reason: str = ""  # why it is not active (the action's reason), shown with the block


def sample_point(content_id: str) -> float:
    """A point in ``[0, 1)`` fixed by the content id (the first 8 bytes of its SHA-256), spread evenly over ids:
    a rule that sends items whose point is below ``r`` sends a share ``r`` of them, and always the same ones.

    >>> sample_point("c-1") == sample_point("c-1") and 0.0 <= sample_point("c-1") < 1.0
    True
    """
    digest = hashlib.sha256(content_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def standing_signals(standing: AccountStanding, content_id: str = "") -> tuple[Signal, ...]:
    out: list[Signal] = []
    if standing.status in NOT_ACTIVE:
        detail = {"status": standing.status, **({"reason": standing.status_reason} if standing.status_reason else {})}
        ev = Evidence(kind="account", text=standing.account_id, detail=detail)
        out.append(Signal(ACCOUNT, f"status/{standing.status}", 1.0, (ev,), 3,
                          {"account_id": standing.account_id, "status": standing.status}))
    if standing.grade:
        ev = Evidence(kind="account", text=standing.account_id, detail={"grade": standing.grade})
        out.append(Signal(ACCOUNT, f"grade/{standing.grade.lower()}", 1.0, (ev,), 0, {"grade": standing.grade}))
        if content_id:
            out.append(Signal(ACCOUNT, "sample", sample_point(content_id), (), 0, {"content_id": content_id}))
    for key in standing.operator_keys:
        out.append(Signal(ACCOUNT, "operator", 0.0, (), 0, {"target_kind": "operator", "target": key}))
    return tuple(out)


def standing_outcome(standing: AccountStanding, content_id: str = "") -> DetectorOutcome:
    return DetectorOutcome(ACCOUNT, ACCOUNT_VERSION, "ok", standing_signals(standing, content_id))
