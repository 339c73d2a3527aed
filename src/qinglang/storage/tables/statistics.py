"""The daily-figures table: one row per local calendar day (and time zone), holding that day's ``FigureSet``.

``figures`` is the JSON of ``qinglang.statistics.serialize.encode(FigureSet)``; the row is written by
``qinglang.services.statistics.daily`` only, always as a whole (an upsert by day), so recounting a day replaces
its figures and never adds to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from qinglang.storage.base import Base, UtcDateTime, utcnow


class DailyFiguresRow(Base):
    __tablename__ = "daily_figures"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
