"""Account credit with storage: the record read from the review half's rows, the score computed by
:func:`qinglang.grading.compute_credit`, a history row with its explanation whenever the result changes, and the
platform told by webhook when the grade changes.

Services call :func:`mark` when something the score reads changes (a verified violation, an action or its reversal,
an appeal, a licence, a quality assessment). Marked accounts are recomputed once, just before the transaction
commits (a ``before_commit`` hook that runs ahead of the audit chain's), so one reviewer decision that records a
violation, takes an action and charges strikes makes one history row and at most one webhook, and a rolled-back
transaction makes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import AppealStatus, CaseOutcome, ReportStatus, TargetKind
from qinglang.grading import AccountRecord, CreditScore, Violation, compute_credit, explain_change, explain_credit
from qinglang.grading.credit import CreditFactor, Grade
from qinglang.qualification import QualificationState
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AccountRow, OperatorRow
from qinglang.storage.tables.qualification import CreditScoreRow, QualityAssessmentRow
from qinglang.storage.tables.review import Appeal, Case, OutboxEvent, Report

_MARKED = "qinglang.credit.marked"
GRADE_EVENT = "account.grade_changed"
QUALITY_WINDOW = 50  # the most recent quality assessments that count


def mark(session: Session, account_id: str | None, trigger: str) -> None:
    """Recompute ``account_id``'s credit before this transaction commits (the first trigger names the cause)."""
    if account_id:
        session.info.setdefault(_MARKED, {}).setdefault(str(account_id), trigger)


def settle(session: Session) -> None:
    """Recompute the marked accounts now (so a response built next shows the new grade); the commit hook then
    finds nothing left to do unless more is marked."""
    _recompute_marked(session)


def _recompute_marked(session: Session) -> None:
    marked: dict[str, str] = session.info.pop(_MARKED, {})
    for account_id, trigger in sorted(marked.items()):
        if session.get(AccountRow, account_id) is not None:
            recompute(session, account_id, trigger, utcnow())


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_MARKED, None)


event.listen(Session, "before_commit", _recompute_marked, insert=True)  # ahead of the audit chain's hook
event.listen(Session, "after_transaction_end", _forget)


def account_record(session: Session, account: AccountRow) -> AccountRecord:
    """What the score reads about ``account``, from the rows."""
    on_account = or_(Case.account_id == account.id,
                     (Case.target_kind == TargetKind.ACCOUNT) & (Case.target_id == account.id))
    violations = session.execute(select(Case.severity, Case.closed_at).where(
        on_account, Case.outcome == CaseOutcome.VIOLATION, Case.known_answer.is_(None))).all()
    reports = session.execute(select(Report.id).join(Case, Case.id == Report.case_id).where(
        on_account, Report.status == ReportStatus.VERIFIED)).all()
    appeals = session.execute(select(Appeal.id).where(Appeal.account_id == account.id,
                                                      Appeal.status == AppealStatus.OVERTURNED)).all()
    quality = session.execute(select(QualityAssessmentRow.score).where(QualityAssessmentRow.account_id == account.id)
                              .order_by(QualityAssessmentRow.id.desc()).limit(QUALITY_WINDOW)).scalars().all()
    operator = session.get(OperatorRow, account.operator_id) if account.operator_id else None
    state = account.qualification_state
    return AccountRecord(
        account_id=account.id, created_at=account.created_at, followers=account.followers or 0,
        violations=tuple(Violation(min(3, max(1, sev or 1)), at or account.created_at) for sev, at in violations),
        active_strikes=max(0, account.strikes or 0), upheld_reports=len(reports), overturned_appeals=len(appeals),
        identity_verified=operator is not None and operator.verification_state == "verified",
        qualification=QualificationState(state) if state in set(QualificationState) else None,
        quality_scores=tuple(quality))


def latest(session: Session, account_id: str) -> CreditScoreRow | None:
    return session.execute(select(CreditScoreRow).where(CreditScoreRow.account_id == account_id)
                           .order_by(CreditScoreRow.id.desc()).limit(1)).scalar_one_or_none()


def history(session: Session, account_id: str, *, limit: int = 50) -> Sequence[CreditScoreRow]:
    return session.execute(select(CreditScoreRow).where(CreditScoreRow.account_id == account_id)
                           .order_by(CreditScoreRow.id.desc()).limit(limit)).scalars().all()


_DRIFTING = frozenset({"age", "reach", "quality"})  # facts that move a little with every day or article


def _same(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """Whether two computations say the same: every factor's points, and the facts of the discrete factors (a
    violation, a strike, a report ...). An account a day older or one more article with the same rounded points
    makes no new history row."""
    before = {f["key"]: f for f in old}
    return all(f["key"] in before and before[f["key"]]["points"] == f["points"]
               and (f["key"] in _DRIFTING or before[f["key"]]["facts"] == f["facts"]) for f in new)


def score_of(row: CreditScoreRow) -> CreditScore:
    """A stored computation as the pure core's value (to explain a change against it)."""
    factors = tuple(CreditFactor(f["key"], f["points"], f.get("facts", {})) for f in row.factors)
    return CreditScore(row.account_id, row.score, Grade(row.grade), factors, row.computed_at, row.raw, row.version)


def recompute(session: Session, account_id: str, trigger: str, now: datetime) -> CreditScoreRow | None:
    """Compute the account's credit at ``now``; a new history row when it says something new (else ``None``)."""
    account = session.get(AccountRow, account_id)
    score = compute_credit(account_record(session, account), now)
    previous = latest(session, account_id)
    factors = [{"key": f.key, "points": f.points, "facts": dict(f.facts)} for f in score.factors]
    if previous is not None and previous.score == score.score and _same(previous.factors, factors):
        return None
    change = explain_change(score_of(previous), score) if previous is not None else ()
    row = CreditScoreRow(account_id=account_id, score=score.score, grade=score.grade.value, raw=score.raw,
                         factors=factors, explanation=[r.to_dict() for r in explain_credit(score)],
                         change=[r.to_dict() for r in change], trigger=trigger[:64], version=score.version,
                         computed_at=now)
    session.add(row)
    account.quality_grade, account.credit_score = score.grade.value, score.score
    session.flush()
    append_audit_event(session, "system", "account.credit_computed", "account", account_id,
                       {"score": score.score, "grade": score.grade.value, "trigger": trigger, "credit_id": row.id})
    if previous is not None and previous.grade != score.grade.value:
        _deliver_change(session, account_id, previous, row)
    return row


def _deliver_change(session: Session, account_id: str, previous: CreditScoreRow, row: CreditScoreRow) -> None:
    import uuid

    event_id = str(uuid.uuid4())
    payload = {"event_id": event_id, "type": GRADE_EVENT, "account_id": account_id,
               "grade": {"from": previous.grade, "to": row.grade}, "score": {"from": previous.score, "to": row.score},
               "reasons": row.change, "credit_id": row.id, "created_at": utcnow().isoformat()}
    session.add(OutboxEvent(event_id=event_id, action_id=None, event_type=GRADE_EVENT, payload=payload))
    append_audit_event(session, "system", GRADE_EVENT, "account", account_id,
                       {"from": previous.grade, "to": row.grade, "credit_id": row.id})
