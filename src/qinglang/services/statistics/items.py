"""The items behind the figures: one function per kind of row, selecting what falls in a window of time.
This module holds reports, cases, second reviews and calibration answers; ``enforcement_items`` the actions,
accounts, register entries, appeals and rewards.

Counting a day (``counting.py``) and listing the items behind a number (``drill.py``) both read rows through
the functions below, so a figure and the console list it links to cannot disagree: the list page applies the
same selection to the period's window and the same predicates to its filters. Each function returns plain
frozen dataclasses (no ORM rows leave this module). Windows are half-open ``[start, end)`` in UTC
(``qinglang.statistics.periods``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import CaseSource, DecisionStage
from qinglang.statistics.periods import Window
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import Action, Appeal, Case, CaseDecision, Report, ReviewUser


def within(column, window: Window):
    return and_(column >= window.start, column < window.end)


def seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, round((later - earlier).total_seconds()))


def usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(ReviewUser.id, ReviewUser.username).where(ReviewUser.id.in_(wanted)))
    return dict(rows.all())


# --- reports ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportItem:
    id: int
    tracking_code: str
    target: str
    reason: str
    status: str
    received_at: datetime
    case_id: int
    merged: bool  # the report joined a case it did not open
    closed_at: datetime | None
    sla_due_at: datetime

    @property
    def within_sla(self) -> bool:
        return self.closed_at is not None and self.closed_at <= self.sla_due_at

    @property
    def time_to_handle(self) -> int | None:
        return seconds(self.closed_at, self.received_at)

    def open_at(self, moment: datetime) -> bool:
        return self.received_at < moment and (self.closed_at is None or self.closed_at >= moment)

    def overdue_at(self, moment: datetime) -> bool:
        return self.open_at(moment) and self.sla_due_at < moment


def _report_items(session: Session, *conditions) -> list[ReportItem]:
    first = select(Report.case_id, func.min(Report.id).label("first_id")).group_by(Report.case_id).subquery()
    stmt = (select(Report, Case.source, Case.closed_at, Case.sla_due_at, first.c.first_id)
            .join(Case, Case.id == Report.case_id).join(first, first.c.case_id == Report.case_id)
            .where(*conditions).order_by(Report.id))
    return [ReportItem(r.id, r.tracking_code, f"{r.target_kind}:{r.target_id}", r.reason, r.status, r.created_at,
                       r.case_id, source != CaseSource.REPORT or r.id != first_id, closed_at, due)
            for r, source, closed_at, due, first_id in session.execute(stmt)]


def reports_received(session: Session, window: Window) -> list[ReportItem]:
    return _report_items(session, within(Report.created_at, window))


def reports_closed(session: Session, window: Window) -> list[ReportItem]:
    """Reports whose case closed in the window (a report filed after its case closed is not handled by it)."""
    return _report_items(session, within(Case.closed_at, window), Report.created_at <= Case.closed_at)


def reports_open_at(session: Session, moment: datetime) -> list[ReportItem]:
    return _report_items(session, Report.created_at < moment,
                         or_(Case.closed_at.is_(None), Case.closed_at >= moment))


# --- cases -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseItem:
    id: int
    target: str
    queue: str
    source: str
    outcome: str
    reviewer: str  # the user name of the reviewer who decided it
    created_at: datetime
    closed_at: datetime
    time_per_case: int | None  # the decider's claim -> their decision, when the claim is on record


def cases_decided(session: Session, window: Window) -> list[CaseItem]:
    """Live cases closed by a reviewer's decision in the window (calibration cases are scored, not counted)."""
    stmt = (select(Case).where(within(Case.closed_at, window), Case.known_answer.is_(None),
                               Case.decided_by.is_not(None), Case.outcome.is_not(None)).order_by(Case.id))
    rows = session.execute(stmt).scalars().all()
    names = usernames(session, (c.decided_by for c in rows))
    times = _decision_times(session, rows, names)
    return [CaseItem(c.id, f"{c.target_kind}:{c.target_id}", c.queue, c.source, c.outcome, names.get(c.decided_by, ""),
                     c.created_at, c.closed_at, times.get(c.id)) for c in rows]


def _decision_times(session: Session, cases: Sequence[Case], names: dict[int, str]) -> dict[int, int]:
    """Per case: the decider's last review decision minus their last claim before it (from the audit log)."""
    if not cases:
        return {}
    ids = [c.id for c in cases]
    deciders = {c.id: c.decided_by for c in cases}
    decided: dict[int, datetime] = {}
    for d in session.execute(select(CaseDecision).where(CaseDecision.case_id.in_(ids),
                                                        CaseDecision.stage == DecisionStage.REVIEW)).scalars():
        if d.reviewer_id == deciders[d.case_id]:
            decided[d.case_id] = max(decided.get(d.case_id, d.created_at), d.created_at)
    claims = session.execute(select(AuditEventRow.subject_id, AuditEventRow.actor, AuditEventRow.at).where(
        AuditEventRow.action == "case.claimed", AuditEventRow.subject_type == "case",
        AuditEventRow.subject_id.in_([str(i) for i in ids])))
    claimed: dict[int, datetime] = {}
    for subject, actor, at in claims:
        case_id = int(subject)
        when = decided.get(case_id)
        if when is not None and actor == f"reviewer:{names.get(deciders[case_id], '')}" and at <= when:
            claimed[case_id] = max(claimed.get(case_id, at), at)
    return {i: seconds(decided[i], claimed[i]) for i in claimed}


@dataclass(frozen=True, slots=True)
class SecondReview:
    """A second judgement of a reviewer's decision: a senior's approval step, or an appeal's decision."""

    case_id: int
    reviewer: str  # whose decision was judged
    judged_by: str
    stage: str  # approval | appeal
    agreed: bool
    at: datetime


def second_reviews(session: Session, window: Window) -> list[SecondReview]:
    out = []
    approvals = session.execute(select(CaseDecision).where(CaseDecision.stage == DecisionStage.APPROVAL,
                                                           within(CaseDecision.created_at, window))).scalars().all()
    firsts = _first_reviewers(session, approvals)
    appeals = session.execute(select(Appeal, Action.decided_by, Action.case_id).join(Action, Action.id == Appeal.action_id)
                              .where(within(Appeal.decided_at, window), Action.decided_by.is_not(None))).all()
    names = usernames(session, [d.reviewer_id for d in approvals] + list(firsts.values())
                      + [a.decided_by for a, _, _ in appeals] + [by for _, by, _ in appeals])
    for d in approvals:
        first = firsts.get(d.id)
        if first is not None:
            out.append(SecondReview(d.case_id, names.get(first, ""), names.get(d.reviewer_id, ""), "approval",
                                    bool(d.agrees), d.created_at))
    for appeal, first, case_id in appeals:
        out.append(SecondReview(case_id or 0, names.get(first, ""), names.get(appeal.decided_by, ""), "appeal",
                                appeal.status == "upheld", appeal.decided_at))
    return out


def _first_reviewers(session: Session, approvals: Sequence[CaseDecision]) -> dict[int, int]:
    """For each approval step, the reviewer whose review decision on the case came last before it."""
    out = {}
    for d in approvals:
        stmt = (select(CaseDecision.reviewer_id).where(CaseDecision.case_id == d.case_id,
                                                       CaseDecision.stage == DecisionStage.REVIEW,
                                                       CaseDecision.id < d.id)
                .order_by(CaseDecision.id.desc()).limit(1))
        first = session.execute(stmt).scalar()
        if first is not None:
            out[d.id] = first
    return out


@dataclass(frozen=True, slots=True)
class CalibrationAnswer:
    case_id: int
    reviewer: str
    queue: str
    known_answer: str
    choice: str
    agreed: bool
    at: datetime


def calibration_answers(session: Session, window: Window) -> list[CalibrationAnswer]:
    stmt = (select(CaseDecision, Case.queue, Case.known_answer).join(Case, Case.id == CaseDecision.case_id)
            .where(Case.known_answer.is_not(None), CaseDecision.stage == DecisionStage.REVIEW,
                   within(CaseDecision.created_at, window)).order_by(CaseDecision.id))
    rows = session.execute(stmt).all()
    names = usernames(session, (d.reviewer_id for d, _, _ in rows))
    return [CalibrationAnswer(d.case_id, names.get(d.reviewer_id, ""), queue, known, d.choice, bool(d.agrees),
                              d.created_at) for d, queue, known in rows]
