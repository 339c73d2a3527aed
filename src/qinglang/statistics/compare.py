"""A period against the one before it (环比): the change of every figure the two have in common by key.

Counts, durations and money change by a difference and a relative change; rates (unit ``ratio``) change by
percentage points only, because "the overturn rate rose 50%" from 2% to 3% misleads a reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qinglang.statistics.catalogue import headline
from qinglang.statistics.figures import PeriodFigures
from qinglang.statistics.trace import Figure


@dataclass(frozen=True, slots=True)
class Change:
    """One figure now and in the previous period. ``delta`` is ``None`` when either side is undefined;
    ``relative`` (delta / previous) is ``None`` for rates and when the previous value is 0 or undefined."""

    figure: Figure
    previous: int | float | None
    delta: int | float | None
    relative: float | None


def change(current: Figure, previous: Figure | None) -> Change:
    before = previous.value if previous is not None else None
    if current.value is None or before is None:
        return Change(current, before, None, None)
    delta = current.value - before
    relative = delta / before if before and current.unit != "ratio" else None
    return Change(current, before, delta, relative)


def compare(current: Iterable[Figure], previous: Iterable[Figure]) -> tuple[Change, ...]:
    """Each figure of ``current`` with its counterpart (same ``key``) in ``previous``, in ``current``'s order."""
    earlier = {f.key: f for f in previous}
    return tuple(change(f, earlier.get(f.key)) for f in current)


def compare_periods(current: PeriodFigures, previous: PeriodFigures) -> tuple[Change, ...]:
    """The overview figures of two periods side by side (the report's 环比 table)."""
    return compare(headline(current), headline(previous))
