"""Core tables: operators, accounts, content versions, signals, decisions, lists, API keys and audit events.

Rows are storage shapes only; services convert them to domain dataclasses or wire schemas at the edges.
String enums are stored as their values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class OperatorRow(Base):
    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32), default="individual")  # qinglang.qualification.OperatorKind
    id_document_hash: Mapped[str | None] = mapped_column(String(128), index=True)  # legacy, unkeyed: never matched
    licences: Mapped[list[Any]] = mapped_column(JSON, default=list)  # declared by the platform; never verified
    verification_state: Mapped[str] = mapped_column(String(32), default="unverified")  # identity: set by a reviewer
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # the identity document as a keyed hash and a masked display (qinglang.qualification.identity); never the number
    identity_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    identity_digest: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    identity_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)
    identity_key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verified_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the reviewer who verified the identity
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # compare-and-set


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    operator_id: Mapped[str | None] = mapped_column(ForeignKey("operators.id"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(32), default="active")
    qualification_state: Mapped[str] = mapped_column(String(32), default="unassessed")  # QualificationState
    followers: Mapped[int] = mapped_column(Integer, default=0)
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    quality_grade: Mapped[str | None] = mapped_column(String(16))  # the computed credit grade A-E (credit_scores)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    category: Mapped[str] = mapped_column(String(64), default="general", server_default="general")
    credit_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    qualification_reasons: Mapped[list[Any] | None] = mapped_column(JSON, default=list, nullable=True)
    next_review_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)


class ContentVersionRow(Base):
    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("content_id", "version", name="uq_content_versions_content_id_version"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_id: Mapped[str] = mapped_column(String(256), index=True)
    version: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="article")  # article | chapter
    title: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    original_link: Mapped[str | None] = mapped_column(Text)
    book_id: Mapped[str | None] = mapped_column(String(128), index=True)
    chapter: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.pk"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rules: Mapped[list[Any]] = mapped_column(JSON, default=list)
    policy_id: Mapped[str] = mapped_column(String(128), default="")
    policy_version: Mapped[str] = mapped_column(String(64), default="")
    decided_by: Mapped[str] = mapped_column(String(128), default="policy")  # "policy" | "reviewer:<id>"
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SignalRow(Base):
    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.pk"), index=True)
    detector: Mapped[str] = mapped_column(String(64))
    detector_version: Mapped[str] = mapped_column(String(64), default="")
    label: Mapped[str] = mapped_column(String(128), index=True)
    score: Mapped[float] = mapped_column(Float)
    severity: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ShadowDecisionRow(Base):
    __tablename__ = "shadow_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.pk"), index=True)
    live_verdict: Mapped[str] = mapped_column(String(16))
    live_category: Mapped[str] = mapped_column(String(32))
    shadow_verdict: Mapped[str] = mapped_column(String(16))
    shadow_category: Mapped[str] = mapped_column(String(32))
    live_policy_id: Mapped[str] = mapped_column(String(128), default="")
    live_policy_version: Mapped[str] = mapped_column(String(64), default="")
    shadow_policy_id: Mapped[str] = mapped_column(String(128), default="")
    shadow_policy_version: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ListEntryRow(Base):
    __tablename__ = "list_entries"
    __table_args__ = (
        Index(
            "uq_list_entries_active",
            "list",
            "kind",
            "value",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list: Mapped[str] = mapped_column(String(16))  # block | allow
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEventRow(Base):
    """One link of the hash chain. ``seq`` is its position (1, 2, 3, ... with no gap); appended only through
    ``qinglang.storage.sql_audit.append_audit_event``."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(256))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHeadRow(Base):
    """One row (``id = 1``): the newest event's ``seq`` and ``hash``. Every append updates it first, which takes
    SQLite's write lock and a PostgreSQL row lock, so two transactions can never both extend the same head."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class IdempotencyKeyRow(Base):
    """A request an integrator may retry (``Idempotency-Key`` header) or a console form submitted once: the first
    answer is stored in the same transaction as its effect and replayed for a repeat of the same request."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # route (and who), e.g. appeals:api_key:ab12
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
