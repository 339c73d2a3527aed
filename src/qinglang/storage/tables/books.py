"""The books table: one row per book (``book_id`` of its chapters), with its shelf status and the stored roll-up.

The roll-up (``risk``) is what :func:`qinglang.domain.books.roll_up` returned the last time a chapter of the
book was stored or decided; ``version`` is bumped by every write, which is a compare-and-set on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class BookRow(Base):
    __tablename__ = "books"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # the chapters' book_id
    account_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="on_shelf")  # qinglang.domain.books.BookStatus
    chapters: Mapped[int] = mapped_column(Integer, default=0)
    worst_verdict: Mapped[str] = mapped_column(String(16), default="pass")
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # any pattern flagged
    risk: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # BookRisk.to_dict()
    version: Mapped[int] = mapped_column(Integer, default=0)  # compare-and-set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
