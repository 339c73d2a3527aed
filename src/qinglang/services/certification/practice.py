"""Practice mode: known-answer cases a reviewer works without touching a live case, and the right answer with
its policy rules shown after each one.

**The practice set** (``practice_cases``) holds copies — text, evidence, right answer, the policy rules that fired,
why — so a practice case never changes when its source case does:

- *calibration cases* a lead seeded, once answered live (an open calibration case stays out, so nobody can
  practise on a live test before taking it);
- *confirmed past cases*: closed with a violation or no violation, none of their actions overturned, the right
  answer being the deciding reviewer's choice;
- cases a lead *writes* for practice only.

:func:`refresh_pool` copies every eligible case not yet in the set (``source_case_id`` is unique, so two refreshes
at once copy a case once).

**An answer** (:func:`answer`) is stored once per reviewer, practice case and round (a unique constraint: a
double submit replays the first answer), audited, and may raise the reviewer's certificate
(``certificates.after_practice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from qinglang.domain.certification import CertificationRule, Level, Standing
from qinglang.domain.review import CHOICES, ESCALATE, ActionStatus, CaseOutcome, CaseStatus, DecisionStage, ReviewerRole
from qinglang.domain.values import require_text
from qinglang.errors import InvalidInput, NotFound
from qinglang.services.certification import certificates
from qinglang.services.review import queries
from qinglang.services.review.users import User, require_rank
from qinglang.storage.atomic import insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.certification import PracticeAnswer, PracticeCase
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow
from qinglang.storage.tables.review import Action, Case, CaseDecision

MAX_TEXT_CHARS = 20_000
REFRESH_LIMIT = 500  # cases copied per refresh, at most


@dataclass(frozen=True, slots=True)
class PracticeCaseView:
    id: int
    source: str
    category: str
    target_id: str
    title: str
    body: str
    evidence: tuple[dict[str, Any], ...]
    right_answer: str
    rules: tuple[str, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class PracticeResult:
    """What the reviewer sees after an answer: theirs, the right one, why, and where their certificate stands."""

    answer_id: int
    case: PracticeCaseView
    choice: str
    agrees: bool
    before: Level
    after: Level
    standing: Standing


def _view(row: PracticeCase) -> PracticeCaseView:
    return PracticeCaseView(row.id, row.source, row.category, row.target_id, row.title, row.body,
                            tuple(row.evidence or ()), row.right_answer, tuple(row.rules or ()), row.explanation)


def _parse_choice(choice: str) -> str:
    if choice not in CHOICES:
        raise InvalidInput(f"unknown decision {choice[:40]!r}; use one of {', '.join(CHOICES)}",
                           code="decision_unknown")
    return choice


def get_practice_case(session: Session, practice_id: int) -> PracticeCaseView:
    row = session.get(PracticeCase, practice_id)
    if row is None or not row.active:
        raise NotFound(f"no practice case {practice_id}", code="practice_case_not_found")
    return _view(row)


# --- the practice set ----------------------------------------------------------------------------------------


def add_written(session: Session, lead: User, *, category: str, title: str, body: str, right_answer: str,
                explanation: str) -> PracticeCaseView:
    """A practice-only case a lead writes: it never enters the live queue."""
    require_rank(lead, ReviewerRole.LEAD)
    certificates.parse_category(category)
    for name, value in (("title", title), ("body", body), ("explanation", explanation)):
        require_text(value, name)
        if len(value) > MAX_TEXT_CHARS:
            raise InvalidInput(f"{name} is longer than {MAX_TEXT_CHARS} characters", code="invalid_request")
    if not body.strip():
        raise InvalidInput("give the practice case a text", code="invalid_request")
    row = PracticeCase(source="written", category=category, title=title, body=body, evidence=[],
                       right_answer=_parse_choice(right_answer), rules=[], explanation=explanation.strip(),
                       active=True, added_by=lead.actor, created_at=utcnow())
    session.add(row)
    session.flush()
    append_audit_event(session, lead.actor, "practice.case_added", "practice_case", row.id,
                       {"source": "written", "category": category, "right_answer": right_answer})
    return _view(row)


def _right_answer(session: Session, case: Case) -> tuple[str, str] | None:
    """``(answer, why)`` of a case fit for practice, or ``None``."""
    if case.known_answer is not None:
        return case.known_answer, "calibration case: the answer the lead who seeded it expects"
    if case.status != CaseStatus.CLOSED or case.outcome not in (CaseOutcome.VIOLATION, CaseOutcome.NO_VIOLATION):
        return None
    overturned = session.execute(select(exists().where(Action.case_id == case.id,
                                                       Action.status == ActionStatus.REVERTED))).scalar()
    if overturned:
        return None
    decision = session.execute(
        select(CaseDecision).where(CaseDecision.case_id == case.id, CaseDecision.stage == DecisionStage.REVIEW,
                                   CaseDecision.choice != ESCALATE).order_by(CaseDecision.id.desc()).limit(1)
    ).scalar_one_or_none()
    if decision is None:
        return None
    return decision.choice, decision.reason


def _fired_rules(session: Session, content_id: str) -> list[str]:
    """The policy rules the automatic decision of the content's newest version fired."""
    version = session.execute(select(ContentVersionRow.pk).where(ContentVersionRow.content_id == content_id)
                              .order_by(ContentVersionRow.pk.desc()).limit(1)).scalar()
    if version is None:
        return []
    rules = session.execute(select(DecisionRow.rules).where(DecisionRow.content_version_id == version,
                                                            DecisionRow.decided_by == "policy")
                            .order_by(DecisionRow.id.desc()).limit(1)).scalar()
    return [str(r) for r in rules or () if not str(r).startswith("manual:")]


def add_from_case(session: Session, actor: str, case_id: int, *, explanation: str = "") -> PracticeCaseView | None:
    """Copy one calibration or confirmed past case into the practice set; ``None`` when it is not fit or is in
    the set already."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    if case.known_answer is not None and case.status != CaseStatus.CLOSED:
        return None  # still live: nobody may practise on a test before it is taken
    answer = _right_answer(session, case)
    if answer is None:
        return None
    detail = queries.case_detail(session, case_id)
    values = {"source": "calibration" if case.known_answer else "confirmed", "source_case_id": case.id,
              "category": case.queue, "target_id": case.target_id, "title": detail.title or "",
              "body": detail.text or "", "evidence": [dict(e) for e in detail.evidence], "right_answer": answer[0],
              "rules": _fired_rules(session, case.target_id) if case.target_kind == "content" else [],
              "explanation": (explanation or answer[1] or "").strip(), "active": True, "added_by": actor,
              "created_at": utcnow()}
    new_id = insert_or_nothing(session, PracticeCase, values)
    if new_id is None:
        return None
    append_audit_event(session, actor, "practice.case_added", "practice_case", new_id,
                       {"source": values["source"], "case_id": case.id, "category": case.queue})
    return _view(session.get(PracticeCase, new_id))


def refresh_pool(session: Session, actor: str, *, limit: int = REFRESH_LIMIT) -> int:
    """Copy every closed calibration case and confirmed past case not yet in the set; how many were copied."""
    in_set = select(PracticeCase.source_case_id).where(PracticeCase.source_case_id.is_not(None))
    candidates = session.execute(
        select(Case.id).where(Case.status == CaseStatus.CLOSED, Case.id.not_in(in_set),
                              Case.outcome.in_((CaseOutcome.VIOLATION, CaseOutcome.NO_VIOLATION,
                                                CaseOutcome.CALIBRATION)))
        .order_by(Case.id).limit(limit)).scalars().all()
    return sum(1 for case_id in candidates if add_from_case(session, actor, case_id) is not None)


def pool_counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(PracticeCase.category, func.count()).where(PracticeCase.active.is_(True))
                           .group_by(PracticeCase.category))
    return {c: n for c, n in rows}


# --- practising ----------------------------------------------------------------------------------------------


def next_case(session: Session, user: User, category: str) -> PracticeCaseView | None:
    """The oldest active practice case of ``category`` the reviewer has not answered in this round."""
    certificates.parse_category(category)
    round_ = certificates.certificate(session, user.id, category).round
    answered = select(PracticeAnswer.practice_case_id).where(PracticeAnswer.reviewer_id == user.id,
                                                             PracticeAnswer.round == round_)
    row = session.execute(select(PracticeCase).where(PracticeCase.category == category,
                                                     PracticeCase.active.is_(True), PracticeCase.id.not_in(answered))
                          .order_by(PracticeCase.id).limit(1)).scalar_one_or_none()
    return _view(row) if row is not None else None


def answer(session: Session, user: User, practice_id: int, choice: str, rule: CertificationRule) -> PracticeResult:
    """Record the reviewer's answer on a practice case (once per round) and move their certificate."""
    require_rank(user, ReviewerRole.REVIEWER)
    choice = _parse_choice(choice)
    case = get_practice_case(session, practice_id)
    cert = certificates.certificate(session, user.id, case.category)
    values = {"reviewer_id": user.id, "practice_case_id": case.id, "category": case.category, "round": cert.round,
              "choice": choice, "agrees": choice == case.right_answer, "created_at": utcnow()}
    answer_id = insert_or_nothing(session, PracticeAnswer, values)
    if answer_id is not None:
        append_audit_event(session, user.actor, "practice.answered", "practice_case", case.id,
                           {"choice": choice, "agrees": values["agrees"], "category": case.category,
                            "round": cert.round})
    before, after = certificates.after_practice(session, user, case.category, rule)
    if answer_id is None:
        return result_of(session, user, _answer_id(session, user.id, case.id, cert.round), rule)
    return PracticeResult(answer_id, case, choice, values["agrees"], before, after,
                          certificates.standing(session, user.id, case.category, rule))


def _answer_id(session: Session, reviewer_id: int, practice_id: int, round_: int) -> int:
    return session.execute(select(PracticeAnswer.id).where(PracticeAnswer.reviewer_id == reviewer_id,
                                                           PracticeAnswer.practice_case_id == practice_id,
                                                           PracticeAnswer.round == round_)).scalar_one()


def result_of(session: Session, user: User, answer_id: int, rule: CertificationRule) -> PracticeResult:
    """A stored answer as its result page shows it (only to the reviewer who gave it)."""
    row = session.get(PracticeAnswer, answer_id)
    if row is None or row.reviewer_id != user.id:
        raise NotFound(f"no practice answer {answer_id} of yours", code="practice_answer_not_found")
    level = certificates.level_of(session, user.id, row.category)
    later = session.execute(select(PracticeAnswer.created_at).where(
        PracticeAnswer.reviewer_id == user.id, PracticeAnswer.category == row.category, PracticeAnswer.id > row.id)
        .order_by(PracticeAnswer.id).limit(1)).scalar()
    moved = certificates.moved_by_practice(session, user.id, row.category, row.created_at, later)
    before, after = moved or (level, level)
    case = _view(session.get(PracticeCase, row.practice_case_id))
    return PracticeResult(row.id, case, row.choice, bool(row.agrees), before, after,
                          certificates.standing(session, user.id, row.category, rule))
