"""Similarity and sweep tables: one text fingerprint per content version; sweeps and what each found."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class TextFingerprintRow(Base):
    """The stored fingerprint (``qinglang.similarity.encoding``) of a content version's text."""

    __tablename__ = "text_fingerprints"

    content_version_pk: Mapped[int] = mapped_column(
        ForeignKey("content_versions.pk", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    scheme: Mapped[str] = mapped_column(String(96))  # shingle size, windows, permutations, seed
    shingles: Mapped[int] = mapped_column(Integer)  # distinct shingles; 0 for a text with no wording
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SweepRow(Base):
    """One sweep: its seed (a confirmed case, or an ad-hoc text or target), who started it and what it found."""

    __tablename__ = "sweeps"
    __table_args__ = (Index("ix_sweeps_status", "status", "id"),)  # the worker's look for queued sweeps

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seed_kind: Mapped[str] = mapped_column(String(16))  # case | text | qr_payload | contact | domain | url
    seed_value: Mapped[str] = mapped_column(Text)
    seed_case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="completed")  # queued | running | completed | failed
    found: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)  # cases this sweep opened (others were open already)
    started_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    # the job's lease (see storage/leases.py): which worker runs it, until when, how many times it was claimed
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")  # why a failed sweep failed ("code: message")
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SweepItemRow(Base):
    """One content a sweep found, why (``reason``, for the reviewer), and the case it sits in."""

    __tablename__ = "sweep_items"
    __table_args__ = (
        UniqueConstraint("sweep_id", "content_id"),
        Index("ix_sweep_items_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sweep_id: Mapped[int] = mapped_column(ForeignKey("sweeps.id", ondelete="CASCADE"))
    content_id: Mapped[str] = mapped_column(String(256))
    content_version_pk: Mapped[int] = mapped_column(ForeignKey("content_versions.pk", ondelete="CASCADE"))
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason_kind: Mapped[str] = mapped_column(String(24))  # near_duplicate | shared_target | same_operator
    reason: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"), nullable=True)
    case_opened: Mapped[bool] = mapped_column(default=False)  # this sweep opened the case (not already open)


class AutoSweepRow(Base):
    """The automatic sweep of one block-list entry: claimed by one worker (a lease), then ``completed`` with its
    sweep, or ``failed`` with the error. The unique ``list_entry_id`` is what makes it one sweep per entry."""

    __tablename__ = "auto_sweeps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # running | completed | failed
    claimed_by: Mapped[str] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    sweep_id: Mapped[int | None] = mapped_column(ForeignKey("sweeps.id"), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
