"""Cases: opening, merging reports on one target, the case view with account history, queue listings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.errors import NotFound
from qinglang.services.review import scoring
from qinglang.services.review.audit import record
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, DecisionRow, SignalRow
from qinglang.storage.tables.review import Action, Case, Report, Strike

OPEN_STATES = ("open", "claimed", "pending_approval")


def find_open_case(session: Session, target_kind: str, target_id: str) -> Case | None:
    stmt = select(Case).where(
        Case.target_kind == target_kind, Case.target_id == target_id, Case.status.in_(OPEN_STATES)
    )
    return session.execute(stmt.order_by(Case.id).limit(1)).scalar_one_or_none()


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case


def target_account(session: Session, target_kind: str, target_id: str) -> str | None:
    if target_kind == "account":
        return target_id
    stmt = select(ContentVersionRow.account_id).where(ContentVersionRow.content_id == target_id)
    return session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()


def _reach(session: Session, account_id: str | None) -> int:
    if not account_id:
        return 0
    return session.execute(select(AccountRow.followers).where(AccountRow.id == account_id)).scalar() or 0


def open_case(
    session: Session,
    *,
    target_kind: str,
    target_id: str,
    source: str,
    queue: str,
    severity: int,
    sla_hours: dict[str, int],
    actor: str,
    known_answer: str | None = None,
) -> Case:
    """Open a new case, or return the open case on the same target (reports and verdicts merge)."""
    existing = find_open_case(session, target_kind, target_id) if known_answer is None else None
    if existing is not None:
        if severity > existing.severity:
            existing.severity = severity
            existing.sla_due_at = min(existing.sla_due_at, scoring.sla_due(utcnow(), severity, sla_hours))
        refresh_priority(session, existing)
        return existing
    account_id = target_account(session, target_kind, target_id)
    now = utcnow()
    case = Case(
        target_kind=target_kind,
        target_id=target_id,
        account_id=account_id,
        source=source,
        queue=queue,
        severity=severity,
        reach=_reach(session, account_id),
        sla_due_at=scoring.sla_due(now, severity, sla_hours),
        known_answer=known_answer,
        created_at=now,
        evidence=[],
        images=[],
    )
    session.add(case)
    session.flush()
    refresh_priority(session, case)
    record(session, actor, "case.opened", "case", case.id, target=f"{target_kind}:{target_id}", source=source)
    return case


def refresh_priority(session: Session, case: Case) -> None:
    age = (utcnow() - case.created_at).total_seconds() / 3600
    case.priority = scoring.priority(case.severity, case.reach, case.reporter_weight, age)


def list_queue(session: Session, *, queue: str | None = None, status: Sequence[str] = OPEN_STATES, limit: int = 100):
    stmt = select(Case).where(Case.status.in_(status))
    if queue:
        stmt = stmt.where(Case.queue == queue)
    return session.execute(stmt.order_by(Case.priority.desc(), Case.id).limit(limit)).scalars().all()


def queue_counts(session: Session) -> dict[str, int]:
    stmt = select(Case.queue, func.count()).where(Case.status.in_(("open", "claimed"))).group_by(Case.queue)
    return {q: n for q, n in session.execute(stmt)}


@dataclass
class CaseView:
    """Everything the case page shows."""

    case: Case
    title: str = ""
    text: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    past_actions: list[Action] = field(default_factory=list)
    strikes: int = 0
    other_cases: list[Case] = field(default_factory=list)
    other_content: list[str] = field(default_factory=list)


def case_view(session: Session, case_id: int) -> CaseView:
    case = get_case(session, case_id)
    view = CaseView(case=case, title=case.title, text=case.body, evidence=list(case.evidence or []))
    if case.target_kind == "content":
        _load_content(session, case.target_id, view)
    view.reports = list(session.execute(select(Report).where(Report.case_id == case.id).order_by(Report.id)).scalars())
    if case.account_id:
        _load_history(session, case, view)
    return view


def _load_content(session: Session, content_id: str, view: CaseView) -> None:
    stmt = select(ContentVersionRow).where(ContentVersionRow.content_id == content_id)
    row = session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        return
    view.title, view.text = row.title, row.body_text
    signals = session.execute(select(SignalRow).where(SignalRow.content_version_id == row.pk)).scalars()
    view.evidence = [
        {**ev, "detector": s.detector, "label": s.label, "score": s.score} for s in signals for ev in (s.evidence or [])
    ]


def _load_history(session: Session, case: Case, view: CaseView) -> None:
    acc = case.account_id
    targets = _account_targets(session, acc)
    view.other_content = [t for t in targets[1:] if t != case.target_id][:20]
    view.past_actions = list(
        session.execute(select(Action).where(Action.target_id.in_(targets)).order_by(Action.id.desc()).limit(20))
        .scalars()
    )
    view.strikes = session.execute(
        select(func.count()).select_from(Strike).where(Strike.account_id == acc, Strike.active.is_(True))
    ).scalar_one()
    view.other_cases = list(
        session.execute(
            select(Case).where(Case.account_id == acc, Case.id != case.id).order_by(Case.id.desc()).limit(20)
        ).scalars()
    )


def _account_targets(session: Session, account_id: str) -> list[str]:
    contents = session.execute(
        select(ContentVersionRow.content_id).where(ContentVersionRow.account_id == account_id).distinct()
    ).scalars()
    return [account_id, *contents]


def case_to_dict(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "target_kind": case.target_kind,
        "target_id": case.target_id,
        "account_id": case.account_id,
        "source": case.source,
        "queue": case.queue,
        "severity": case.severity,
        "priority": round(case.priority, 2),
        "report_count": case.report_count,
        "status": case.status,
        "outcome": case.outcome,
        "sla_due_at": case.sla_due_at.isoformat(),
        "created_at": case.created_at.isoformat(),
    }


def open_for_verdict(session: Session, *, content_id: str, verdict: str, category: str, sla_hours: dict[str, int],
                     actor: str = "policy") -> Case | None:
    """Open (or merge into) a case for a stored content version whose automatic verdict needs a human."""
    if verdict != "review":
        return None
    queue = category if category in scoring.REASON_SEVERITY else "other"
    return open_case(session, target_kind="content", target_id=content_id, source="verdict", queue=queue,
                     severity=scoring.REASON_SEVERITY[queue], sla_hours=sla_hours, actor=actor)


def record_manual_decision(session: Session, case: Case, verdict: str, actor: str) -> None:
    """A reviewer's decision on content becomes its current decision (manual outranks automatic)."""
    if case.target_kind != "content" or case.known_answer:
        return
    stmt = select(ContentVersionRow.pk).where(ContentVersionRow.content_id == case.target_id)
    version_pk = session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()
    if version_pk is None:
        return
    for row in session.execute(select(DecisionRow).where(DecisionRow.content_version_id == version_pk,
                                                         DecisionRow.is_current.is_(True))).scalars():
        row.is_current = False
    category = case.queue if verdict == "block" and case.queue in scoring.REASON_SEVERITY else "none"
    session.add(DecisionRow(content_version_id=version_pk, verdict=verdict, category=category, labels=[],
                            scores={}, rules=[f"manual:case-{case.id}"], decided_by=actor, is_current=True))
