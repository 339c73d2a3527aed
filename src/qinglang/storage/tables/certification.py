"""Tables of reviewer training and certification: the practice set, practice answers, one certificate per
reviewer and category, and the certificate's history; and the reviewers' notes on cases. Every change is also
an audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class PracticeCase(Base):
    """A known-answer case a reviewer may practise on, copied (with its evidence) from a calibration case or a
    confirmed past case, or written by a lead. ``source_case_id`` is unique: a case enters the set once."""

    __tablename__ = "practice_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # calibration | confirmed | written
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"), nullable=True, unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    target_id: Mapped[str] = mapped_column(String(128), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    right_answer: Mapped[str] = mapped_column(String(32))
    rules: Mapped[list[Any]] = mapped_column(JSON, default=list)  # policy rule ids that fired on the content
    explanation: Mapped[str] = mapped_column(Text, default="")  # why the right answer is right
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PracticeAnswer(Base):
    """One reviewer's answer on one practice case in one round; a repeat in the same round is refused by the
    unique constraint, so a double submit counts once."""

    __tablename__ = "practice_answers"
    __table_args__ = (UniqueConstraint("reviewer_id", "practice_case_id", "round"),
                      Index("ix_practice_answers_reviewer_category", "reviewer_id", "category", "round"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"))
    practice_case_id: Mapped[int] = mapped_column(ForeignKey("practice_cases.id"))
    category: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    choice: Mapped[str] = mapped_column(String(32))
    agrees: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Certificate(Base):
    """A reviewer's standing in one category: ``level`` (uncertified | certified | severe | lapsed) and the
    practice ``round`` (a lapse starts a new one). Changed only by compare-and-set on ``version``."""

    __tablename__ = "reviewer_certificates"
    __table_args__ = (UniqueConstraint("reviewer_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"))
    category: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16), default="uncertified")
    round: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=0)


class CertificationEvent(Base):
    """One change of a certificate: from which level to which, why, and the agreement figures behind it."""

    __tablename__ = "certification_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    from_level: Mapped[str] = mapped_column(String(16))
    to_level: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))  # practice | live_calibration | granted | revoked
    cases: Mapped[int] = mapped_column(Integer, default=0)
    agreed: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseNote(Base):
    """A reviewer's note on a case, for the next person who opens it; notes are added, never edited."""

    __tablename__ = "review_case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
