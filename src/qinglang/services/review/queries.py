"""What the console and the API read of the review half, as view dataclasses (see ``views``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.review import OPEN_CASE_STATES, QUEUES, AppealStatus, ApprovalStatus, CaseStatus, TargetKind
from qinglang.errors import InvalidInput
from qinglang.services.review import article_images, cases, strikes
from qinglang.services.review.case_store import get_case
from qinglang.services.review.views import (
    AppealView,
    ApprovalView,
    CaseDetail,
    CaseSummary,
    RewardView,
    action_view,
    appeal_view,
    approval_view,
    case_summary,
    report_view,
    reward_view,
)
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow
from qinglang.storage.tables.review import Action, Appeal, Approval, Case, Report, Reward


def list_queue(session: Session, *, queue: str | None = None, statuses: Sequence[str] = OPEN_CASE_STATES,
               limit: int = 100) -> list[CaseSummary]:
    if queue is not None and queue not in QUEUES:
        raise InvalidInput(f"unknown queue {queue[:40]!r}; use one of {', '.join(QUEUES)}", code="queue_unknown")
    return [case_summary(c) for c in cases.list_open(session, queue=queue, statuses=statuses, limit=limit)]


def queue_counts(session: Session) -> dict[str, int]:
    """Cases waiting or in review, per queue."""
    return cases.queue_counts(session)


def find_case(session: Session, case_id: int) -> CaseSummary:
    return case_summary(get_case(session, case_id))


def case_detail(session: Session, case_id: int) -> CaseDetail:
    """The case with its article (text and evidence), its reports and its account's history."""
    case = get_case(session, case_id)
    title, text, evidence = case.title, case.body, tuple(case.evidence or ())
    images = ()
    if case.target_kind == TargetKind.CONTENT:
        title, text, evidence = _content(session, case.target_id) or (title, text, evidence)
        images = article_images.for_content(session, case.target_id)
    reports = session.execute(select(Report).where(Report.case_id == case.id).order_by(Report.id)).scalars()
    detail = {"title": title, "text": text, "evidence": evidence,
              "media_ids": tuple(int(i["media_id"]) for i in case.images or () if "media_id" in i),
              "article_images": images, "reports": tuple(report_view(r) for r in reports)}
    if case.account_id:
        detail.update(_history(session, case))
    return CaseDetail(case=case_summary(case), **detail)


def _content(session: Session, content_id: str) -> tuple[str, str, tuple] | None:
    stmt = select(ContentVersionRow).where(ContentVersionRow.content_id == content_id)
    row = session.execute(stmt.order_by(ContentVersionRow.pk.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        return None
    signals = session.execute(select(SignalRow).where(SignalRow.content_version_id == row.pk)).scalars()
    evidence = tuple({**ev, "detector": s.detector, "label": s.label, "score": s.score}
                     for s in signals for ev in (s.evidence or []))
    return row.title, row.body_text, evidence


def _history(session: Session, case: Case) -> dict:
    account_id = case.account_id
    contents = session.execute(select(ContentVersionRow.content_id)
                               .where(ContentVersionRow.account_id == account_id).distinct()).scalars()
    targets = [account_id, *contents]
    actions = session.execute(select(Action).where(Action.target_id.in_(targets)).order_by(Action.id.desc())
                              .limit(20)).scalars()
    others = session.execute(select(Case).where(Case.account_id == account_id, Case.id != case.id)
                             .order_by(Case.id.desc()).limit(20)).scalars()
    return {"other_content": tuple(t for t in targets[1:] if t != case.target_id)[:20],
            "past_actions": tuple(action_view(a) for a in actions),
            "strikes": strikes.total_points(session, account_id),
            "other_cases": tuple(case_summary(c) for c in others)}


@dataclass(frozen=True, slots=True)
class DecisionView:
    """The automatic decision on a content's newest version: what the case page shows beside the evidence."""

    verdict: str
    category: str
    labels: tuple[str, ...]
    scores: dict[str, Any]
    rules: tuple[str, ...]
    policy: str
    decided_by: str


def current_decision(session: Session, content_id: str) -> DecisionView | None:
    """The newest version's current decision (a reviewer's manual one outranks the policy's), or ``None``."""
    version = session.execute(select(ContentVersionRow.pk).where(ContentVersionRow.content_id == content_id)
                              .order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()
    if version is None:
        return None
    rows = session.execute(select(DecisionRow).where(DecisionRow.content_version_id == version)
                           .order_by(DecisionRow.is_current.desc(), DecisionRow.id.desc())).scalars().all()
    policy_row = next((r for r in rows if r.decided_by == "policy"), None)
    row = rows[0] if rows else None
    if row is None:
        return None
    source = policy_row or row
    return DecisionView(row.verdict, row.category, tuple(_label_name(x) for x in source.labels or ()),
                        dict(source.scores or {}), tuple(str(x) for x in source.rules or ()),
                        f"{source.policy_id} v{source.policy_version}".strip(" v"), row.decided_by)


def _label_name(label: Any) -> str:
    """A stored label is a dict (label, score, evidence, rules); the page names it by its label."""
    return str(label.get("label", "")) if isinstance(label, dict) else str(label)


def screened_now(decision: Any) -> tuple[DecisionView, tuple[dict[str, Any], ...]]:
    """The decision and evidence of a text screened just now (a pipeline ``Decision``), in the very shape a stored
    content's are read back (``current_decision``, ``_content``): a calibration case about an article qinglang
    never stored shows a verdict, scores, rules and highlighted hits like any real case."""
    import json

    def stored(value: Any) -> Any:  # as it would come back from a JSON column
        return json.loads(json.dumps(value, default=str, ensure_ascii=False))

    evidence = tuple(stored({**e.to_dict(), "detector": signal.detector, "label": signal.label,
                             "score": float(signal.score)})
                     for outcome in decision.outcomes if outcome.status == "ok"
                     for signal in outcome.signals for e in signal.evidence)
    labels = stored([{"label": lb.label, "score": float(lb.score), "evidence": [e.to_dict() for e in lb.evidence],
                      "rules": list(lb.rules)} for lb in decision.labels])
    view = DecisionView(decision.verdict.value, decision.category.value, tuple(_label_name(x) for x in labels),
                        {k: float(v) for k, v in decision.scores.items()}, tuple(str(x) for x in decision.rules),
                        f"{decision.policy_id} v{decision.policy_version}".strip(" v"), "policy")
    return view, evidence


def list_pending_approvals(session: Session) -> list[ApprovalView]:
    stmt = (select(Approval).join(Case, Case.id == Approval.case_id)
            .where(Approval.status == ApprovalStatus.PENDING, Case.status == CaseStatus.PENDING_APPROVAL)
            .order_by(Approval.id))
    return [approval_view(a) for a in session.execute(stmt).scalars()]


def list_open_appeals(session: Session) -> list[AppealView]:
    stmt = select(Appeal).where(Appeal.status == AppealStatus.OPEN).order_by(Appeal.id)
    return [appeal_view(a) for a in session.execute(stmt).scalars()]


def list_rewards(session: Session, *, status: str | None = None, limit: int = 200) -> list[RewardView]:
    stmt = select(Reward).order_by(Reward.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Reward.status == status)
    return [reward_view(r) for r in session.execute(stmt).scalars()]
