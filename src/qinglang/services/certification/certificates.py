"""Certificates: one row per reviewer and category, moved only by compare-and-set on its ``version``, each move
written to its history (``certification_events``) and to the audit chain in the same transaction.

Who needs one: while ``certification.required`` is on, reviewers and seniors claim a category's live cases only
with a ``certified`` (or ``severe``) certificate in it, and approve a severe action only with ``severe``. Leads
and admins are not gated: they write the right answers.

How a certificate moves:

- :func:`after_practice` — a practice answer may raise the level (``assess_practice`` over the round's answers);
- :func:`after_live_calibration` — a live calibration answer may show that agreement dropped
  (``needs_recertification``): the certificate lapses and a new practice round begins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.certification import (
    CertificationRule,
    Level,
    Standing,
    assess_practice,
    may_approve_severe,
    may_claim,
    needs_recertification,
    next_level,
)
from qinglang.domain.review import QUEUES, DecisionStage, ReviewerRole
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.storage.atomic import compare_and_set, insert_or_nothing
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.certification import Certificate, CertificationEvent, PracticeAnswer
from qinglang.storage.tables.review import Case, CaseDecision, ReviewUser

ATTEMPTS = 5
CATEGORIES: tuple[str, ...] = QUEUES


def rule_from(settings) -> CertificationRule:
    """The pure rule from the ``certification`` settings section."""
    return CertificationRule(settings.practice_cases, settings.agreement, settings.severe_cases,
                             settings.severe_agreement, settings.recertify_window, settings.recertify_agreement)


def parse_category(category: str) -> str:
    if category not in CATEGORIES:
        raise InvalidInput(f"unknown category {category[:40]!r}; use one of {', '.join(CATEGORIES)}",
                           code="queue_unknown")
    return category


def exempt(user) -> bool:
    """Leads and admins write the right answers; nobody certifies them."""
    return user.rank >= ReviewerRole.LEAD.rank


@dataclass(frozen=True, slots=True)
class CertificateView:
    reviewer_id: int
    reviewer: str
    category: str
    level: Level
    round: int
    changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    category: str
    from_level: str
    to_level: str
    reason: str
    cases: int
    agreed: int
    actor: str
    at: datetime


def certificate(session: Session, reviewer_id: int, category: str, *, fresh: bool = False) -> Certificate:
    """The reviewer's certificate in ``category``, created ``uncertified`` on first use."""
    found = _read(session, reviewer_id, category, fresh=fresh)
    if found is not None:
        return found
    insert_or_nothing(session, Certificate, {"reviewer_id": reviewer_id, "category": category,
                                             "level": Level.UNCERTIFIED, "round": 1, "changed_at": utcnow(),
                                             "version": 0})
    return _read(session, reviewer_id, category, fresh=True)


def _read(session: Session, reviewer_id: int, category: str, *, fresh: bool = False) -> Certificate | None:
    stmt = select(Certificate).where(Certificate.reviewer_id == reviewer_id, Certificate.category == category)
    if fresh:
        stmt = stmt.execution_options(populate_existing=True)
    return session.execute(stmt).scalar_one_or_none()


def level_of(session: Session, reviewer_id: int, category: str) -> Level:
    found = _read(session, reviewer_id, category)
    return Level(found.level) if found is not None else Level.UNCERTIFIED


def certified_categories(session: Session, reviewer_id: int) -> list[str]:
    rows = session.execute(select(Certificate.category).where(
        Certificate.reviewer_id == reviewer_id, Certificate.level.in_((Level.CERTIFIED, Level.SEVERE)))).scalars()
    return sorted(rows)


# --- gates ---------------------------------------------------------------------------------------------------


def require_may_claim(session: Session, user, category: str, settings) -> None:
    """Refuse a live case of ``category`` to a reviewer not certified in it (``certification_required``)."""
    if settings is None or not settings.required or exempt(user):
        return
    if not may_claim(level_of(session, user.id, category)):
        raise Forbidden(f"you are not certified for {category} cases yet; pass practice first (/console/practice)",
                        code="certification_required")


def require_may_approve_severe(session: Session, user, category: str, settings) -> None:
    """Refuse approving a severe action to a senior without the higher bar in the case's category."""
    if settings is None or not settings.required or exempt(user):
        return
    if not may_approve_severe(level_of(session, user.id, category)):
        raise Forbidden(f"approving severe actions on {category} cases needs the higher certification bar; "
                        "keep practising (/console/practice)", code="certification_severe_required")


# --- moves ---------------------------------------------------------------------------------------------------


def practice_answers(session: Session, reviewer_id: int, category: str, round_: int) -> list[bool]:
    stmt = (select(PracticeAnswer.agrees).where(PracticeAnswer.reviewer_id == reviewer_id,
                                                PracticeAnswer.category == category, PracticeAnswer.round == round_)
            .order_by(PracticeAnswer.id))
    return [bool(a) for a in session.execute(stmt).scalars()]


def standing(session: Session, reviewer_id: int, category: str, rule: CertificationRule) -> Standing:
    found = _read(session, reviewer_id, category)
    round_ = found.round if found is not None else 1
    return assess_practice(practice_answers(session, reviewer_id, category, round_), rule)


def after_practice(session: Session, user, category: str, rule: CertificationRule) -> tuple[Level, Level]:
    """Raise the certificate if the round's answers now reach a bar; ``(before, after)``."""
    for attempt in range(ATTEMPTS):
        cert = certificate(session, user.id, category, fresh=attempt > 0)
        before = Level(cert.level)
        answers = practice_answers(session, user.id, category, cert.round)
        after = next_level(before, answers, rule)
        if after is before:
            return before, after
        window = assess_practice(answers, rule)
        if _move(session, cert, after, cert.round, "practice", window.window, window.agreed, user.actor):
            return before, after
    raise Conflict("this certificate is changing quickly; try again", code="certificate_busy")


def moved_by_practice(session: Session, reviewer_id: int, category: str, answered_at: datetime,
                      next_answer_at: datetime | None = None) -> tuple[Level, Level] | None:
    """``(from, to)`` of the practice move an answer given at ``answered_at`` made (before the reviewer's next
    answer, given at ``next_answer_at``), if it made one."""
    stmt = select(CertificationEvent).where(CertificationEvent.reviewer_id == reviewer_id,
                                            CertificationEvent.category == category,
                                            CertificationEvent.reason == "practice",
                                            CertificationEvent.created_at >= answered_at)
    if next_answer_at is not None:
        stmt = stmt.where(CertificationEvent.created_at < next_answer_at)
    event = session.execute(stmt.order_by(CertificationEvent.id).limit(1)).scalar_one_or_none()
    return (Level(event.from_level), Level(event.to_level)) if event is not None else None


def live_calibration_answers(session: Session, reviewer_id: int, category: str, since: datetime | None) -> list[bool]:
    """The reviewer's answers on live calibration cases of ``category`` (newest last), after ``since``."""
    stmt = (select(CaseDecision.agrees).join(Case, Case.id == CaseDecision.case_id)
            .where(CaseDecision.reviewer_id == reviewer_id, CaseDecision.stage == DecisionStage.REVIEW,
                   CaseDecision.agrees.is_not(None), Case.known_answer.is_not(None), Case.queue == category))
    if since is not None:
        stmt = stmt.where(CaseDecision.created_at > since)
    return [bool(a) for a in session.execute(stmt.order_by(CaseDecision.id)).scalars()]


def after_live_calibration(session: Session, user, category: str, rule: CertificationRule) -> Level | None:
    """Withdraw a certificate whose holder's live calibration agreement dropped; the new level, or ``None``.

    Only answers given since the certificate was last changed count, so a reviewer who just recertified starts
    with a clean record."""
    if category not in CATEGORIES:
        return None
    for _ in range(ATTEMPTS):
        cert = _read(session, user.id, category, fresh=True)
        if cert is None or not may_claim(Level(cert.level)):
            return None
        live = live_calibration_answers(session, user.id, category, cert.changed_at)
        if not needs_recertification(live, rule):
            return None
        recent = live[-rule.recertify_window:]
        if _move(session, cert, Level.LAPSED, cert.round + 1, "live_calibration", len(recent), sum(recent),
                 "system:certification"):
            return Level.LAPSED
    raise Conflict("this certificate is changing quickly; try again", code="certificate_busy")


def revoke(session: Session, lead, reviewer_id: int, category: str) -> None:
    """A lead withdraws a certificate by hand (the reviewer practises again in a new round)."""
    if not exempt(lead):
        raise Forbidden("only a lead may withdraw a certificate", code="role_insufficient")
    parse_category(category)
    if session.get(ReviewUser, reviewer_id) is None:
        raise NotFound(f"no reviewer {reviewer_id}", code="user_not_found")
    for attempt in range(ATTEMPTS):
        cert = certificate(session, reviewer_id, category, fresh=attempt > 0)
        if Level(cert.level) in (Level.UNCERTIFIED, Level.LAPSED):
            return
        if _move(session, cert, Level.LAPSED, cert.round + 1, "revoked", 0, 0, lead.actor):
            return
    raise Conflict("this certificate is changing quickly; try again", code="certificate_busy")


def _move(session: Session, cert: Certificate, to: Level, round_: int, reason: str, cases: int, agreed: int,
          actor: str) -> bool:
    now = utcnow()
    moved = compare_and_set(session, Certificate, cert.id, {"version": cert.version},
                            {"level": to.value, "round": round_, "changed_at": now, "version": cert.version + 1})
    if not moved:
        return False
    session.add(CertificationEvent(reviewer_id=cert.reviewer_id, category=cert.category, from_level=cert.level,
                                   to_level=to.value, reason=reason, cases=cases, agreed=agreed, actor=actor,
                                   created_at=now))
    append_audit_event(session, actor, f"certification.{to.value}", "review_user", cert.reviewer_id,
                       {"category": cert.category, "from": cert.level, "reason": reason, "cases": cases,
                        "agreed": agreed, "round": round_})
    return True


# --- what leads read -----------------------------------------------------------------------------------------


def all_certificates(session: Session) -> dict[int, dict[str, CertificateView]]:
    """Per reviewer id, per category, the certificate (absent categories are uncertified)."""
    names = dict(session.execute(select(ReviewUser.id, ReviewUser.username)).all())
    out: dict[int, dict[str, CertificateView]] = {}
    for c in session.execute(select(Certificate).order_by(Certificate.reviewer_id, Certificate.category)).scalars():
        out.setdefault(c.reviewer_id, {})[c.category] = CertificateView(
            c.reviewer_id, names.get(c.reviewer_id, str(c.reviewer_id)), c.category, Level(c.level), c.round,
            c.changed_at)
    return out


def history(session: Session, reviewer_id: int, *, limit: int = 200) -> Sequence[HistoryLine]:
    stmt = (select(CertificationEvent).where(CertificationEvent.reviewer_id == reviewer_id)
            .order_by(CertificationEvent.id.desc()).limit(limit))
    return [HistoryLine(e.category, e.from_level, e.to_level, e.reason, e.cases, e.agreed, e.actor, e.created_at)
            for e in session.execute(stmt).scalars()]
