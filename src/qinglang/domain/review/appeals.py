"""Who may settle an appeal, as one pure function.

An appeal goes to a different reviewer than the ones who made the action. Overturning a **severe** action (one
the two-person rule guards: close, blacklist) would let one person undo what two decided, so it needs a senior
whose rank is at least that of everyone who made it, and who took part in neither step. Upholding needs only a
reviewer who took no part: it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from qinglang.domain.review.refusals import Refusal, RefusalCode, refuse
from qinglang.domain.review.vocabulary import ACTIONS, ActionKind, AppealStatus, Reviewer, ReviewerRole


@dataclass(frozen=True, slots=True)
class AppealFacts:
    """The appeal and the action it contests, with the people who made that action (``None``: the system)."""

    status: AppealStatus
    action_kind: ActionKind
    decided_by: Reviewer | None = None
    approved_by: Reviewer | None = None

    @property
    def makers(self) -> tuple[Reviewer, ...]:
        return tuple(r for r in (self.decided_by, self.approved_by) if r is not None)

    @property
    def needed_two(self) -> bool:
        spec = ACTIONS.get(self.action_kind)
        return self.approved_by is not None or (spec is not None and spec.severe)


def judge_appeal(facts: AppealFacts, by: Reviewer, overturn: bool) -> AppealStatus | Refusal:
    """The appeal's new status when ``by`` upholds or overturns it, or why ``by`` may not."""
    if facts.status is not AppealStatus.OPEN:
        return refuse(RefusalCode.APPEAL_SETTLED, f"this appeal is already {facts.status}")
    if by.rank < ReviewerRole.REVIEWER.rank:
        return refuse(RefusalCode.ROLE_INSUFFICIENT, f"this needs the reviewer role or higher; you are {by.role}")
    if by.id in {m.id for m in facts.makers}:
        return refuse(RefusalCode.APPEAL_SAME_REVIEWER, "an appeal goes to a different reviewer than the one who decided")
    if overturn and facts.needed_two:
        needed = max([ReviewerRole.SENIOR.rank, *(m.rank for m in facts.makers)])
        if by.rank < needed:
            return refuse(RefusalCode.TWO_PERSON_RULE, "two-person rule: overturning a severe action needs a senior "
                          "of at least the rank of those who decided and approved it")
    return AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
