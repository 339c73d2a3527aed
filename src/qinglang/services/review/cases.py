"""Opening cases: the one way a report, a ``review`` verdict, the strike threshold or a platform opens a case.

A target has at most one open case (a partial unique index on ``review_cases``), so everything said about it
lands in one place. :func:`open_case` is written so that many openers at the same moment agree on that case:

1. ``INSERT ... ON CONFLICT DO NOTHING`` — the one opener that inserts gets the ``case.opened`` audit event;
   the others find the index holding a twin (PostgreSQL makes them wait for the inserter to commit; SQLite runs
   writers one at a time) and insert nothing;
2. read the open case back, now certainly there;
3. a later opener can only raise its severity (and bring the SLA deadline forward), in one atomic ``UPDATE``.

Counting reports on the case is the report entrance's job (``reports``), also by atomic ``UPDATE``.
Calibration cases (``known_answer``) are outside the index: a lead may seed any number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from qinglang.domain.model import HARM_CATEGORIES, Category, Decision, Verdict
from qinglang.domain.review import OPEN_CASE_STATES, CaseSource, CaseStatus, TargetKind, queue_for, scoring
from qinglang.domain.values import require_text
from qinglang.errors import Conflict
from qinglang.services import books
from qinglang.services.review.case_store import get_case
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import UtcDateTime, utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.books import BookRow
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, DecisionRow
from qinglang.storage.tables.review import Case

_HARM = frozenset(c.value for c in HARM_CATEGORIES)

__all__ = ["NewCase", "find_open_case", "get_case", "open_case", "open_case_noting", "open_for_decision",
           "record_manual_decision"]


@dataclass(frozen=True, slots=True)
class NewCase:
    target_kind: TargetKind
    target_id: str
    source: CaseSource
    queue: str
    severity: int
    known_answer: str | None = None
    title: str = ""
    body: str = ""


def find_open_case(session: Session, target_kind: str, target_id: str) -> Case | None:
    stmt = select(Case).where(Case.target_kind == target_kind, Case.target_id == target_id,
                              Case.status.in_(OPEN_CASE_STATES), Case.known_answer.is_(None))
    return session.execute(stmt.execution_options(populate_existing=True).limit(1)).scalar_one_or_none()


def target_account(session: Session, target_kind: str, target_id: str) -> str | None:
    if target_kind == TargetKind.ACCOUNT:
        return target_id
    if target_kind == TargetKind.BOOK:
        return session.scalar(select(BookRow.account_id).where(BookRow.id == target_id))
    stmt = select(ContentVersionRow.account_id).where(ContentVersionRow.content_id == target_id)
    return session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()


def open_case(session: Session, new: NewCase, *, sla_hours: dict[str, int], actor: str) -> Case:
    """Open a case on the target, or return its open case (raising the severity if this one is graver)."""
    return open_case_noting(session, new, sla_hours=sla_hours, actor=actor)[0]


def open_case_noting(session: Session, new: NewCase, *, sla_hours: dict[str, int], actor: str) -> tuple[Case, bool]:
    """As :func:`open_case`, and whether this call opened the case (``False``: it was open already)."""
    require_text(new.target_id, "target_id")
    account_id = target_account(session, new.target_kind, new.target_id)
    values = _row_values(session, new, account_id, sla_hours)
    for _ in range(3):  # the open twin may close between our insert and our read: then insert again
        inserted = insert_or_nothing(session, Case, values)
        if inserted is not None:
            append_audit_event(session, actor, "case.opened", "case", inserted,
                               {"target": f"{new.target_kind}:{new.target_id}", "source": new.source})
            return _prioritised(session, inserted), True
        case = find_open_case(session, new.target_kind, new.target_id)
        if case is not None:
            _raise_severity(session, case, new.severity, values["sla_due_at"])
            return _prioritised(session, case.id), False
    raise Conflict("this target's case is changing quickly; try again", code="case_busy")


def _prioritised(session: Session, case_id: int) -> Case:
    refresh_priority(session, case_id)
    return get_case(session, case_id, fresh=True)


def _row_values(session: Session, new: NewCase, account_id: str | None, sla_hours: dict[str, int]) -> dict:
    now = utcnow()
    return {"target_kind": new.target_kind, "target_id": new.target_id, "account_id": account_id,
            "source": new.source, "queue": new.queue, "severity": new.severity, "reach": _reach(session, account_id),
            "sla_due_at": scoring.sla_due(now, new.severity, sla_hours), "known_answer": new.known_answer,
            "created_at": now, "evidence": [], "images": [], "title": new.title, "body": new.body,
            "status": CaseStatus.OPEN, "version": 0}


def _reach(session: Session, account_id: str | None) -> int:
    if not account_id:
        return 0
    return session.execute(select(AccountRow.followers).where(AccountRow.id == account_id)).scalar() or 0


def _raise_severity(session: Session, case: Case, severity: int, due) -> None:
    if severity <= case.severity:
        return
    due = literal(due, UtcDateTime())
    session.execute(update(Case).where(Case.id == case.id).values(
        severity=when((Case.severity < severity, severity), else_=Case.severity),
        sla_due_at=when((Case.sla_due_at > due, due), else_=Case.sla_due_at),
    ).execution_options(synchronize_session=False))


def refresh_priority(session: Session, case_id: int) -> None:
    """Recompute a case's priority from its current row (call it after changing what priority reads)."""
    case = get_case(session, case_id, fresh=True)
    age = (utcnow() - case.created_at).total_seconds() / 3600
    value = scoring.priority(case.severity, case.reach, case.reporter_weight, age)
    session.execute(update(Case).where(Case.id == case_id).values(priority=value)
                    .execution_options(synchronize_session=False))


def open_for_decision(session: Session, content_id: str, decision: Decision, *, sla_hours: dict[str, int],
                      actor: str) -> Case | None:
    """The case for a stored content version whose automatic verdict needs a person (``review``); queue = the
    category, severity = the strongest signal's (2 when none is graded)."""
    if decision.verdict is not Verdict.REVIEW:
        return None
    severities = [s.severity for o in decision.outcomes if o.status == "ok" for s in o.signals]
    severity = min(max([*severities, 0]) or 2, 3)
    new = NewCase(TargetKind.CONTENT, content_id, CaseSource.VERDICT, queue_for(decision.category), severity)
    return open_case(session, new, sla_hours=sla_hours, actor=actor)


def record_manual_decision(session: Session, case: Case, block: bool, actor: str) -> None:
    """A reviewer's verdict on an article becomes its current decision (manual outranks automatic)."""
    if case.target_kind != TargetKind.CONTENT or case.known_answer:
        return
    stmt = select(ContentVersionRow.pk).where(ContentVersionRow.content_id == case.target_id)
    version_pk = session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()
    if version_pk is None:
        return
    session.execute(update(DecisionRow).where(DecisionRow.content_version_id == version_pk,
                                              DecisionRow.is_current.is_(True)).values(is_current=False))
    verdict = Verdict.BLOCK if block else Verdict.PASS
    category = case.queue if block and case.queue in _HARM else Category.NONE.value
    session.add(DecisionRow(content_version_id=version_pk, verdict=verdict.value, category=category, labels=[],
                            scores={}, rules=[f"manual:case-{case.id}"], decided_by=actor, is_current=True))
    session.flush()
    books.refresh_for_content(session, case.target_id)  # a chapter's new decision changes its book's roll-up


def queue_counts(session: Session) -> dict[str, int]:
    stmt = (select(Case.queue, func.count()).where(Case.status.in_((CaseStatus.OPEN, CaseStatus.CLAIMED)))
            .group_by(Case.queue))
    return {q: n for q, n in session.execute(stmt)}


def list_open(session: Session, *, queue: str | None = None, statuses: Sequence[str] = OPEN_CASE_STATES,
              limit: int = 100) -> Sequence[Case]:
    stmt = select(Case).where(Case.status.in_(statuses))
    if queue:
        stmt = stmt.where(Case.queue == queue)
    return session.execute(stmt.order_by(Case.priority.desc(), Case.id).limit(limit)).scalars().all()
