"""Tables of qualification and grading: licences and their verification, credit score history and content quality
assessments. Operators' identity records and accounts' category, qualification state and grade are columns of
``operators`` and ``accounts`` (``tables/core.py``). Every change is an audit event on the shared chain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class LicenceRow(Base):
    """One licence an operator submitted, and where its verification stands (``qinglang.qualification.verification``).
    ``version`` is bumped by every transition; services write it by compare-and-set."""

    __tablename__ = "licences"
    __table_args__ = (Index("ix_licences_queue", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # a licence kind of the catalogue
    number: Mapped[str] = mapped_column(String(128))
    issuer: Mapped[str] = mapped_column(String(256))
    scope: Mapped[list[Any]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    scan_media_id: Mapped[int | None] = mapped_column(ForeignKey("review_media.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="submitted")  # LicenceStatus
    submitted_by: Mapped[str] = mapped_column(String(160))  # "<actor kind>:<id>"
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reviewer_id: Mapped[str | None] = mapped_column(String(160), nullable=True)  # who holds the review
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(160), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)


class CreditScoreRow(Base):
    """One computation of an account's credit score: the score, grade, every factor's points, the explanation and,
    when it differs from the one before, the explanation of the change. The newest row is the account's grade."""

    __tablename__ = "credit_scores"
    __table_args__ = (Index("ix_credit_scores_account", "account_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(1))
    raw: Mapped[float] = mapped_column(Float)
    factors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    explanation: Mapped[list[Any]] = mapped_column(JSON, default=list)  # Reason dicts
    change: Mapped[list[Any]] = mapped_column(JSON, default=list)  # Reason dicts; empty for the first or no change
    trigger: Mapped[str] = mapped_column(String(64))  # the event that caused the computation
    version: Mapped[str] = mapped_column(String(32))  # CREDIT_VERSION
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QualityAssessmentRow(Base):
    """The quality assessment of one content version (``qinglang.grading.assess_quality``). ``originality`` is
    ``pending`` until the worker measures it against the near-duplicate index (``services.qualification.originality``);
    ``duplicate_of`` names the earlier content of another account it resembles most."""

    __tablename__ = "quality_assessments"
    __table_args__ = (Index("ix_quality_assessments_originality_pending", "originality_state", "content_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.pk"), unique=True)
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    components: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[str] = mapped_column(String(32))
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    originality: Mapped[float | None] = mapped_column(Float, nullable=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(128), nullable=True)
    originality_state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
