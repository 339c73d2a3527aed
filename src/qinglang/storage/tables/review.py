"""Tables of the human side: reviewers, reports, cases, decisions, approvals, actions, the outbox, strikes,
appeals and rewards. Their audit events go to the shared ``audit_events`` chain. Targets (content, account)
are referred to by the platform's own ids, so a report can name an article the platform has not submitted yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class ReviewUser(Base):
    """A person who signs in to the console: reviewer, senior, lead, admin or auditor."""

    __tablename__ = "review_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


OPEN_CASE = "status != 'closed' AND known_answer IS NULL"
RECEIVED = "status = 'received'"
RECEIVED_WITH_CONTACT = "status = 'received' AND contact_hash IS NOT NULL"
OPEN_APPEAL = "status = 'open'"


class Case(Base):
    """A unit of human work in a queue. ``claimed_by`` + ``lease_expires_at`` form the claim lease."""

    __tablename__ = "review_cases"
    __table_args__ = (
        Index("ix_review_cases_queue", "status", "queue", "priority"),
        Index("ix_review_cases_target", "target_kind", "target_id", "status"),
        # one open case per target: reports and verdicts on it merge, even when they arrive at the same moment
        Index("uq_review_cases_open_target", "target_kind", "target_id", unique=True,
              sqlite_where=text(OPEN_CASE), postgresql_where=text(OPEN_CASE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16))  # content | account
    target_id: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # report | verdict | sweep | calibration
    queue: Mapped[str] = mapped_column(String(32))  # the category: porn, illicit_ad, ...
    severity: Mapped[int] = mapped_column(Integer, default=1)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    reporter_weight: Mapped[float] = mapped_column(default=0.0)
    priority: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(24), default="open")  # open | claimed | pending_approval | closed
    tier: Mapped[int] = mapped_column(Integer, default=0)  # 0 any reviewer, 1 senior and up, 2 lead and up
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sla_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    known_answer: Mapped[str | None] = mapped_column(String(32), nullable=True)  # calibration cases only
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped by every transition


class Report(Base):
    """A complaint filed by a reader. Contact and IP are stored only as keyed hashes; one reader's repeat on the
    same target while the first is still received is the first report (two partial unique indexes)."""

    __tablename__ = "review_reports"
    __table_args__ = (
        Index("uq_review_reports_open_ip", "target_kind", "target_id", "ip_hash", unique=True,
              sqlite_where=text(RECEIVED), postgresql_where=text(RECEIVED)),
        Index("uq_review_reports_open_contact", "target_kind", "target_id", "contact_hash", unique=True,
              sqlite_where=text(RECEIVED_WITH_CONTACT), postgresql_where=text(RECEIVED_WITH_CONTACT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    contact_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    reporter_account_id: Mapped[str | None] = mapped_column(String(128), nullable=True)  # the reader's own account
    ip_hash: Mapped[str] = mapped_column(String(64), index=True)
    screenshots: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="received")  # received | verified | rejected
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class CaseDecision(Base):
    """One reviewer's decision on a case (first review, second approval, appeal review, calibration answer)."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # review | approval | appeal
    choice: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    agrees: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # with known answer or first review
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Approval(Base):
    """A severe action waiting for a second approver of senior rank (two-person rule)."""

    __tablename__ = "review_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[int] = mapped_column(ForeignKey("review_users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | escalated | rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Action(Base):
    """An enforcement step. ``reverts_id`` links a reversal to the action it undoes."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | expired | reverted
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    reverts_id: Mapped[int | None] = mapped_column(ForeignKey("review_actions.id"), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class OutboxEvent(Base):
    """One webhook event, written in the same transaction as its action. ``event_id`` is the idempotency key."""

    __tablename__ = "review_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("review_actions.id"), index=True, nullable=True)
    event_type: Mapped[str] = mapped_column(String(32))  # action.*, or account.grade_changed, account.qualification_*
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Strike(Base):
    """One line of an account's strike ledger: the points of one action (inactive once the action is reverted or
    expires), or an adjustment the platform made (``action_id`` empty, ``reason`` says why). The account's
    ``strikes`` is the sum of its active lines, kept in step by ``qinglang.services.review.strikes``."""

    __tablename__ = "review_strikes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("review_actions.id"), nullable=True, index=True)
    severity: Mapped[int] = mapped_column(Integer)  # the points (negative for a downward adjustment)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Appeal(Base):
    __tablename__ = "review_appeals"
    __table_args__ = (
        Index("uq_review_appeals_open_action", "action_id", unique=True,
              sqlite_where=text(OPEN_APPEAL), postgresql_where=text(OPEN_APPEAL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("review_actions.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | upheld | overturned
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Reward(Base):
    """One line of the reward ledger: credited when a report is verified, paid after a lead approves."""

    __tablename__ = "review_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("review_reports.id"), unique=True)
    contact_hash: Mapped[str] = mapped_column(String(64), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="credited")  # credited | approved | refused
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("review_users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Media(Base):
    """A screenshot uploaded with a report, re-encoded after the safe image path checked it (metadata stripped)."""

    __tablename__ = "review_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsoleSession(Base):
    """A signed-in console session. The cookie carries a random token; only its SHA-256 is stored here, so
    signing out (``revoked_at``) or an expiry ends the session for good, and a forged cookie maps to no row."""

    __tablename__ = "review_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("review_users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginThrottle(Base):
    """Failed sign-ins counted per network and per (user name, network): each keyed hash of the pair. Past a free
    allowance each further failure doubles the wait; a sign-in from another network is never held back."""

    __tablename__ = "review_login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
