"""Drainage graph tables: targets (url, domain, qr_payload, contact, image_hash) and edges
account -> content version -> target, each with first/last seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class DrainageTargetRow(Base):
    __tablename__ = "drainage_targets"
    __table_args__ = (UniqueConstraint("kind", "value_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # url | domain | qr_payload | contact | image_hash
    value: Mapped[str] = mapped_column(Text)
    value_hash: Mapped[str] = mapped_column(String(64))  # sha256 of value: long URLs stay indexable
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DrainageEdgeRow(Base):
    __tablename__ = "drainage_edges"
    __table_args__ = (
        UniqueConstraint("content_version_id", "target_id"),
        Index("ix_drainage_edges_target_account", "target_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.pk", ondelete="CASCADE"))
    account_id: Mapped[str | None] = mapped_column(String(128), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("drainage_targets.id", ondelete="CASCADE"))
    via: Mapped[str] = mapped_column(String(128))  # the signal that found it: qr.qr/wechat_group, links.link/url
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
