"""What an account needs, what it has, and the qualification state that follows, as one pure function.

:func:`assess_qualification` takes the catalogue, the account's category, its operator's kind and the operator's
licences (each with its verification state and dates) at a moment ``now``, and returns a
:class:`QualificationAssessment`: one :class:`RequirementCheck` per requirement, the account's
:class:`QualificationState`, the reasons (Chinese and English), and ``next_review_at``, the moment time alone will
change the answer (a warning period starts, a licence ends or begins), so a worker knows when to look again
without scanning every account.

How each requirement is judged (a requirement is "a verified licence of any one of these kinds"): among the
operator's licences of those kinds, the best one decides, best first: in force (verified and dated to cover
``now``; the one valid longest wins), awaiting review, verified but not yet in force, expired, revoked,
rejected; none at all is ``missing``. A licence in force that ends within ``warn_days`` is ``expiring``.

How the account's state follows: an operator kind the category does not allow -> ``ineligible``; any
requirement missing, expired, revoked, rejected or not yet in force -> ``unqualified``; else any awaiting review
-> ``pending``; else any expiring -> ``expiring``; else ``qualified``. Only ``qualified`` and ``expiring`` let the
account publish in its category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from qinglang.qualification.catalogue import Catalogue, Requirement
from qinglang.qualification.licences import china_day, validity_end, validity_start
from qinglang.qualification.operators import OPERATOR_KIND_NAMES, OperatorKind
from qinglang.qualification.reasons import Reason
from qinglang.qualification.verification import LicenceStatus, VerificationState, counts_as_valid


class QualificationState(StrEnum):
    QUALIFIED = "qualified"
    EXPIRING = "expiring"  # qualified, but a required licence ends within the warning period
    PENDING = "pending"  # a required licence awaits review
    UNQUALIFIED = "unqualified"  # a required licence is missing, expired, revoked, rejected or not yet in force
    INELIGIBLE = "ineligible"  # operators of this kind may not run accounts of this category

    @property
    def qualified(self) -> bool:
        return self in (QualificationState.QUALIFIED, QualificationState.EXPIRING)


class RequirementState(StrEnum):
    MET = "met"
    EXPIRING = "expiring"
    PENDING = "pending"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REJECTED = "rejected"
    MISSING = "missing"


_FAILING = {RequirementState.MISSING, RequirementState.EXPIRED, RequirementState.REVOKED, RequirementState.REJECTED,
            RequirementState.NOT_YET_VALID}


@dataclass(frozen=True, slots=True)
class HeldLicence:
    """One of the operator's licences as the assessment sees it: its id, kind and verification state."""

    id: str
    kind: str
    verification: VerificationState


@dataclass(frozen=True, slots=True)
class RequirementCheck:
    requirement: Requirement
    state: RequirementState
    licence_id: str | None = None  # the licence that decided
    valid_until: date | None = None
    days_left: int | None = None
    renewal_pending: bool = False  # another licence of the kind awaits review (a renewal)
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class QualificationAssessment:
    category: str
    operator_kind: OperatorKind
    state: QualificationState
    checks: tuple[RequirementCheck, ...]
    reasons: tuple[Reason, ...]
    assessed_at: datetime
    next_review_at: datetime | None

    def failing(self) -> tuple[RequirementCheck, ...]:
        """The requirements that keep the account from being qualified."""
        return tuple(c for c in self.checks if c.state in _FAILING)


_NO_END = date.max.toordinal() + 1
_LATER_RANKS = {LicenceStatus.VERIFIED: 3, LicenceStatus.EXPIRED: 3, LicenceStatus.REVOKED: 4,
                LicenceStatus.REJECTED: 5}


def _rank(held: HeldLicence, now: datetime) -> tuple[int, int]:
    """Smaller is better: (0 in force, 1 awaiting review, 2 not yet in force, 3 expired, 4 revoked, 5 rejected,
    9 withdrawn), and among licences in force the one whose end is latest."""
    v = held.verification
    if counts_as_valid(v, now):
        return 0, -(v.valid_until.toordinal() if v.valid_until else _NO_END)
    if v.status in (LicenceStatus.SUBMITTED, LicenceStatus.UNDER_REVIEW):
        return 1, 0
    if v.status is LicenceStatus.VERIFIED and v.valid_from is not None and now < validity_start(v.valid_from):
        return 2, 0
    return _LATER_RANKS.get(v.status, 9), 0


def _state_of(held: HeldLicence, now: datetime, warn_days: int) -> RequirementState:
    v = held.verification
    rank = _rank(held, now)[0]
    if rank == 0:
        left = _days_left(v.valid_until, now)
        return RequirementState.EXPIRING if left is not None and left <= warn_days else RequirementState.MET
    return {1: RequirementState.PENDING, 2: RequirementState.NOT_YET_VALID, 3: RequirementState.EXPIRED,
            4: RequirementState.REVOKED, 5: RequirementState.REJECTED}.get(rank, RequirementState.MISSING)


def _days_left(valid_until: date | None, now: datetime) -> int | None:
    return None if valid_until is None else (valid_until - china_day(now)).days


def check_requirement(catalogue: Catalogue, requirement: Requirement, licences: Sequence[HeldLicence],
                      now: datetime, warn_days: int) -> RequirementCheck:
    """How one requirement stands at ``now`` (see the module docstring for which licence decides)."""
    candidates = sorted((h for h in licences if h.kind in requirement.licences), key=lambda h: (_rank(h, now), h.id))
    if not candidates or _rank(candidates[0], now)[0] == 9:
        return RequirementCheck(requirement, RequirementState.MISSING,
                                reason=_reason(catalogue, requirement, RequirementState.MISSING, None, None, False))
    best = candidates[0]
    state = _state_of(best, now, warn_days)
    renewal = state in (RequirementState.MET, RequirementState.EXPIRING) and any(
        _rank(h, now)[0] == 1 for h in candidates[1:])
    until = best.verification.valid_until
    left = _days_left(until, now) if state in (RequirementState.MET, RequirementState.EXPIRING) else None
    reason = _reason(catalogue, requirement, state, best, left, renewal)
    return RequirementCheck(requirement, state, best.id, until, left, renewal, reason)


def assess_qualification(catalogue: Catalogue, category_id: str, operator_kind: OperatorKind,
                         licences: Sequence[HeldLicence], now: datetime, *,
                         warn_days: int | None = None) -> QualificationAssessment:
    """The qualification of an account of ``category_id`` run by an operator of ``operator_kind`` holding
    ``licences``, at ``now``. ``warn_days`` defaults to the catalogue's."""
    category = catalogue.get_category(category_id)
    kind = OperatorKind(operator_kind)
    days = catalogue.warn_days if warn_days is None else warn_days
    if kind not in category.operators:
        zh, en = OPERATOR_KIND_NAMES[kind]
        reason = Reason("operator_kind_not_allowed", f"{zh}运营者不能运营“{category.name_zh}”类账号",
                        f"an operator of kind {en} may not run a {category.name_en} account",
                        {"operator_kind": kind.value, "category": category.id})
        return QualificationAssessment(category.id, kind, QualificationState.INELIGIBLE, (), (reason,), now, None)
    checks = tuple(check_requirement(catalogue, r, licences, now, days)
                   for r in catalogue.requirements_for(category, kind))
    state = _overall(checks)
    reasons = (_state_reason(state, category.name_zh, category.name_en), *(c.reason for c in checks if c.reason))
    return QualificationAssessment(category.id, kind, state, checks, reasons, now,
                                   _next_review(checks, licences, now, days))


def _overall(checks: Sequence[RequirementCheck]) -> QualificationState:
    states = {c.state for c in checks}
    if states & _FAILING:
        return QualificationState.UNQUALIFIED
    if RequirementState.PENDING in states:
        return QualificationState.PENDING
    if RequirementState.EXPIRING in states:
        return QualificationState.EXPIRING
    return QualificationState.QUALIFIED


def _next_review(checks: Sequence[RequirementCheck], licences: Sequence[HeldLicence], now: datetime,
                 warn_days: int) -> datetime | None:
    by_id = {h.id: h.verification for h in licences}
    moments = []
    for check in checks:
        v = by_id.get(check.licence_id) if check.licence_id else None
        if v is None:
            continue
        if check.state is RequirementState.NOT_YET_VALID and v.valid_from is not None:
            moments.append(validity_start(v.valid_from))
        if check.state in (RequirementState.MET, RequirementState.EXPIRING) and v.valid_until is not None:
            moments += [validity_start(v.valid_until - timedelta(days=warn_days)), validity_end(v.valid_until)]
    future = [m for m in moments if m > now]
    return min(future) if future else None


# --- reasons -----------------------------------------------------------------------------------------------


def _names(catalogue: Catalogue, requirement: Requirement) -> tuple[str, str]:
    kinds = [catalogue.licence_kinds[k] for k in requirement.licences]
    return "或".join(k.name_zh for k in kinds), " or ".join(f"a {k.name_en}" for k in kinds)


def _reason(catalogue: Catalogue, requirement: Requirement, state: RequirementState, best: HeldLicence | None,
            left: int | None, renewal: bool) -> Reason:
    zh, en = _names(catalogue, requirement) if best is None else (
        catalogue.licence_kinds[best.kind].name_zh, "the " + catalogue.licence_kinds[best.kind].name_en)
    v = best.verification if best is not None else None
    until = v.valid_until.isoformat() if v is not None and v.valid_until else None
    data = {"licences": list(requirement.licences), "state": state.value, "licence_id": best.id if best else None,
            "valid_until": until, "days_left": left}
    texts = {
        RequirementState.MET: (f"已核验{zh}" + (f"（有效期至 {until}）" if until else "（长期有效）"),
                               f"{en} is verified" + (f" (valid until {until})" if until else " (no end date)")),
        RequirementState.EXPIRING: (f"{zh}将于 {until} 到期（剩余 {left} 天），请尽快提交新证",
                                    f"{en} expires on {until} ({left} days left); submit the renewed licence"),
        RequirementState.PENDING: (f"{zh}已提交，等待审核", f"{en} is submitted and awaits review"),
        RequirementState.NOT_YET_VALID: (f"{zh}尚未生效（自 {v.valid_from if v else ''} 起）",
                                         f"{en} is not in force yet (from {v.valid_from if v else ''})"),
        RequirementState.EXPIRED: (f"{zh}已过期（有效期至 {until}），请提交新证", f"{en} expired on {until}; submit the "
                                   "renewed licence"),
        RequirementState.REVOKED: (f"{zh}已被撤销：{v.reason if v else ''}", f"{en} was revoked: {v.reason if v else ''}"),
        RequirementState.REJECTED: (f"{zh}未通过审核：{v.reason if v else ''}", f"{en} was rejected: "
                                    f"{v.reason if v else ''}"),
        RequirementState.MISSING: (f"缺少{zh}（依据：{requirement.basis}）", f"{en} is required and missing "
                                   f"(basis: {requirement.basis})"),
    }
    text_zh, text_en = texts[state]
    if renewal:
        text_zh, text_en = text_zh + "；新证已提交，等待审核", text_en + "; a renewal awaits review"
    return Reason(f"requirement_{state.value}", text_zh, text_en, data)


_STATE_TEXT = {
    QualificationState.QUALIFIED: ("资质齐全，可运营“{zh}”类账号", "qualified to run a {en} account"),
    QualificationState.EXPIRING: ("资质齐全，但有许可证即将到期", "qualified, but a required licence expires soon"),
    QualificationState.PENDING: ("资质待审核，审核通过前不能以“{zh}”类账号发布", "qualification awaits review; "
                                 "cannot publish as a {en} account until it is verified"),
    QualificationState.UNQUALIFIED: ("资质不全，不能运营“{zh}”类账号", "not qualified to run a {en} account"),
}


def _state_reason(state: QualificationState, zh: str, en: str) -> Reason:
    text_zh, text_en = _STATE_TEXT[state]
    return Reason(f"qualification_{state.value}", text_zh.format(zh=zh), text_en.format(en=en), {"state": state.value})
