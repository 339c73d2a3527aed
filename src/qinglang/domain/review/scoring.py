"""Pure scoring rules for queues: case priority, SLA deadline and reporter weight. No I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta


def priority(severity: int, reach: int, reporter_weight: float, age_hours: float) -> float:
    """Higher first. Severity dominates; reach (followers/reads), weighted report count and age break ties."""
    return (
        100.0 * max(0, min(severity, 3))
        + 10.0 * math.log10(1 + max(reach, 0))
        + 8.0 * math.log2(1 + max(reporter_weight, 0.0))
        + 0.5 * min(max(age_hours, 0.0), 96.0)
    )


def reporter_weight(verified: int, rejected: int) -> float:
    """A reporter's weight in 0.1..1: new reporters count 1, each rejected report costs twice a verified one."""
    weight = (1 + verified) / (1 + verified + 2 * rejected)
    return max(0.1, min(1.0, weight))


def sla_due(created_at: datetime, severity: int, sla_hours: Mapping[str, int]) -> datetime:
    hours = sla_hours.get(str(max(1, min(severity, 3))), 48)
    return created_at + timedelta(hours=hours)


def time_left(due: datetime, now: datetime) -> str:
    """``3h12m`` left, or ``-0h40m`` when overdue."""
    seconds = int((due - now).total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
