"""Calibration: leads seed known-answer cases; each reviewer's agreement with known answers and with second
reviews is computed from the decisions table."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.services.review.cases import open_case
from qinglang.services.review.users import User, require_rank
from qinglang.storage.tables.review import Approval, Case, CaseDecision, ReviewUser


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
) -> Case:
    """A case that looks like any other in the queue, with the answer a lead expects."""
    require_rank(user, "lead")
    case = open_case(
        session,
        target_kind=target_kind,
        target_id=target_id,
        source="calibration",
        queue=queue,
        severity=2,
        sla_hours=review.sla_hours,
        actor=user.actor,
        known_answer=known_answer,
    )
    case.title, case.body = title, body
    return case


def agreement(session: Session) -> list[dict[str, Any]]:
    """Per reviewer: calibration answers and how many matched; severe requests and how many a senior upheld."""
    stats: dict[int, dict[str, int]] = defaultdict(
        lambda: {"known": 0, "known_agreed": 0, "second": 0, "second_agreed": 0}
    )
    for d in session.execute(
        select(CaseDecision).where(CaseDecision.agrees.is_not(None), CaseDecision.stage == "review")
    ).scalars():
        stats[d.reviewer_id]["known"] += 1
        stats[d.reviewer_id]["known_agreed"] += int(bool(d.agrees))
    for a in session.execute(select(Approval).where(Approval.status != "pending")).scalars():
        stats[a.requested_by]["second"] += 1
        stats[a.requested_by]["second_agreed"] += int(a.status == "approved")
    names = dict(session.execute(select(ReviewUser.id, ReviewUser.username)).all())
    return [{"reviewer": names.get(uid, str(uid)), **s, "rate": _rate(s)} for uid, s in sorted(stats.items())]


def _rate(s: dict[str, int]) -> float | None:
    total = s["known"] + s["second"]
    return round((s["known_agreed"] + s["second_agreed"]) / total, 3) if total else None
