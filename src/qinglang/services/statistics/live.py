"""The live snapshot ``/metrics`` serves: counted from the tables at scrape time, a handful of ``GROUP BY``s.

Counters (screened, detector failures, reports received, actions) are totals of rows; gauges (open and overdue
cases, the oldest open case, open reports and appeals, pending approvals, active register entries, the outbox)
are the state at ``taken_at``. ``qinglang.statistics.prometheus.render_prometheus`` writes the text format.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import OPEN_CASE_STATES, AppealStatus, ApprovalStatus
from qinglang.services.statistics.screened import FAILED
from qinglang.statistics.prometheus import LiveSnapshot
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import DecisionRow, ListEntryRow, SignalRow
from qinglang.storage.tables.review import Action as ActionRow
from qinglang.storage.tables.review import Appeal, Approval, Case, OutboxEvent, Report


def _grouped(session: Session, column, *where) -> dict[str, int]:
    return dict(session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def snapshot(session: Session) -> LiveSnapshot:
    now = utcnow()
    live = (Case.status.in_(OPEN_CASE_STATES), Case.known_answer.is_(None))
    oldest = dict(session.execute(select(Case.queue, func.min(Case.created_at)).where(*live).group_by(Case.queue)).all())
    open_reports = (select(func.count()).select_from(Report).join(Case, Case.id == Report.case_id)
                    .where(Case.status.in_(OPEN_CASE_STATES)))
    entries: dict[str, dict[str, int]] = {}
    active = (ListEntryRow.removed_at.is_(None), or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at > now))
    for list_name, kind, n in session.execute(select(ListEntryRow.list, ListEntryRow.kind, func.count())
                                              .where(*active).group_by(ListEntryRow.list, ListEntryRow.kind)):
        entries.setdefault(list_name, {})[kind] = n
    return LiveSnapshot(
        taken_at=now,
        screened=_grouped(session, DecisionRow.verdict, ~DecisionRow.decided_by.like("reviewer:%")),
        detector_failures=_grouped(session, SignalRow.detector, SignalRow.label == FAILED),
        cases_open=_grouped(session, Case.queue, *live),
        cases_overdue=_grouped(session, Case.queue, *live, Case.sla_due_at < now),
        oldest_open_seconds={q: max(0.0, (now - t).total_seconds()) for q, t in oldest.items() if t is not None},
        reports_received=session.execute(select(func.count()).select_from(Report)).scalar_one(),
        reports_open=session.execute(open_reports).scalar_one(),
        actions=_grouped(session, ActionRow.kind),
        approvals_pending=session.execute(select(func.count()).select_from(Approval)
                                          .where(Approval.status == ApprovalStatus.PENDING)).scalar_one(),
        appeals_open=session.execute(select(func.count()).select_from(Appeal)
                                     .where(Appeal.status == AppealStatus.OPEN)).scalar_one(),
        list_entries_active=entries,
        outbox=_grouped(session, OutboxEvent.status),
    )
