"""Calibration: leads seed known-answer cases; each reviewer's agreement with known answers and with second
reviews is computed from the decisions table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.domain.review import (
    CHOICES,
    ESCALATE,
    PASS,
    REPORT_REASONS,
    ApprovalStatus,
    CaseOutcome,
    CaseSource,
    DecisionStage,
    ReviewerRole,
    TargetKind,
)
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput
from qinglang.services.review.cases import NewCase, open_case
from qinglang.services.review.users import User, require_rank
from qinglang.services.review.views import CaseSummary, case_summary
from qinglang.storage.tables.review import Approval, Case, CaseDecision, ReviewUser

SEVERITIES = (1, 2, 3)
USUAL_OF_LAST = 200  # verdict cases of a queue whose most common severity a calibration case takes by default


def seed_known_answer(
    session: Session,
    user: User,
    *,
    target_kind: str,
    target_id: str,
    queue: str,
    known_answer: str,
    title: str,
    body: str,
    review,
    severity: int | None = None,
) -> CaseSummary:
    """A case that looks like any other in the queue, with the answer a lead expects.

    ``severity`` (1–3) is the lead's; left out, it is the most common severity of the queue's recent automatic
    cases (:func:`usual_severity`), so a calibration case does not stand out by always being of one severity."""
    require_rank(user, ReviewerRole.LEAD)
    if severity is not None and severity not in SEVERITIES:
        raise InvalidInput("severity must be 1, 2 or 3", code="invalid_request")
    for name, value in (("target_id", target_id), ("title", title), ("body", body)):
        require_text(value, name)
    if not target_id.strip() or len(target_id) > 128:
        raise InvalidInput("give the calibration case a target id of 1 to 128 characters", code="invalid_request")
    if queue not in REPORT_REASONS:
        raise InvalidInput(f"queue must be one of {', '.join(REPORT_REASONS)}", code="invalid_request")
    if known_answer not in CHOICES:
        raise InvalidInput(f"the known answer must be one of {', '.join(CHOICES)}", code="invalid_request")
    severity = severity if severity is not None else usual_severity(session, queue)
    new = NewCase(TargetKind(target_kind), target_id.strip(), CaseSource.CALIBRATION, queue, severity,
                  known_answer=known_answer, title=title, body=body)
    return case_summary(open_case(session, new, sla_hours=review.sla_hours, actor=user.actor))


def usual_severity(session: Session, queue: str) -> int:
    """The most common severity of the queue's last :data:`USUAL_OF_LAST` automatic-verdict cases (the graver on
    a tie); 2, the default grade, for a queue that has none."""
    recent = (select(Case.severity).where(Case.queue == queue, Case.source == CaseSource.VERDICT)
              .order_by(Case.id.desc()).limit(USUAL_OF_LAST).subquery())
    row = session.execute(select(recent.c.severity, func.count()).group_by(recent.c.severity)
                          .order_by(func.count().desc(), recent.c.severity.desc()).limit(1)).first()
    return int(row[0]) if row is not None else 2


LOOKS_LIKE = CaseSource.VERDICT  # what a calibration case shows itself as to a reviewer below the lead rank


def shown_source(source: str, viewer_rank: int) -> str:
    """The source a viewer sees: a calibration case is an automatic-verdict case to anyone below the lead rank
    (the queue's source filter and the case page give it away no other way)."""
    if source == CaseSource.CALIBRATION and viewer_rank < ReviewerRole.LEAD.rank:
        return LOOKS_LIKE.value
    return source


def shown_outcome(session: Session, case: CaseSummary, viewer_rank: int) -> str | None:
    """The outcome a viewer sees: below the lead rank, an answered calibration case shows what the answer would
    have made of a real case — ``no_violation`` after a pass, nothing after an escalation, ``violation``
    after any action — not that it was a calibration case."""
    if case.outcome != CaseOutcome.CALIBRATION or viewer_rank >= ReviewerRole.LEAD.rank:
        return case.outcome
    choice = session.execute(select(CaseDecision.choice).where(CaseDecision.case_id == case.id,
                                                               CaseDecision.stage == DecisionStage.REVIEW)
                             .order_by(CaseDecision.id.desc()).limit(1)).scalar()
    if choice == ESCALATE:
        return None
    return CaseOutcome.NO_VIOLATION.value if choice in (None, PASS) else CaseOutcome.VIOLATION.value


@dataclass(frozen=True, slots=True)
class Agreement:
    """One reviewer's calibration record: known-answer cases answered and matched; severe requests made and
    upheld by a second senior; and the share of both that agreed."""

    reviewer: str
    known: int
    known_agreed: int
    second: int
    second_agreed: int
    rate: float | None


def agreement(session: Session) -> list[Agreement]:
    """Per reviewer: calibration answers and how many matched; severe requests and how many a senior upheld."""
    stats: dict[int, dict[str, int]] = defaultdict(
        lambda: {"known": 0, "known_agreed": 0, "second": 0, "second_agreed": 0}
    )
    for d in session.execute(
        select(CaseDecision).where(CaseDecision.agrees.is_not(None), CaseDecision.stage == DecisionStage.REVIEW)
    ).scalars():
        stats[d.reviewer_id]["known"] += 1
        stats[d.reviewer_id]["known_agreed"] += int(bool(d.agrees))
    settled = (ApprovalStatus.APPROVED, ApprovalStatus.ESCALATED)
    for a in session.execute(select(Approval).where(Approval.status.in_(settled))).scalars():
        stats[a.requested_by]["second"] += 1
        stats[a.requested_by]["second_agreed"] += int(a.status == ApprovalStatus.APPROVED)
    names = dict(session.execute(select(ReviewUser.id, ReviewUser.username)).all())
    return [Agreement(names.get(uid, str(uid)), rate=_rate(s), **s) for uid, s in sorted(stats.items())]


def _rate(s: dict[str, int]) -> float | None:
    total = s["known"] + s["second"]
    return round((s["known_agreed"] + s["second_agreed"]) / total, 3) if total else None
