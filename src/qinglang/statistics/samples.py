"""Durations kept as exact samples, so a period's median and p90 are right, not a median of daily medians.

Why samples and not per-day quantiles: the median of thirty daily medians is not the month's median (a quiet
day with two reports weighs as much as a busy one with two thousand). A period's quantile needs every
observation of the period, or a sketch that approximates them. We keep the observations themselves:

- each duration is whole seconds (an ``int`` >= 0), sorted, in a ``DurationSample``;
- a period's sample is the sorted merge of its days' samples, so its quantiles are *exactly* those of every
  item handled in the period — a compliance officer who lists the items behind the figure and sorts them by
  time to handle finds the same value;
- quantiles use the **nearest-rank** definition: the p-quantile of n sorted values is the value at rank
  ``ceil(p * n)`` (1-based). It is always an observed duration (never an interpolation between two items), so
  the number points at a real report. The median of an even-sized sample is therefore its lower middle value.

Size: every sampled duration is a human act (a report handled, a case decided), so a day holds at most a few
thousand values; a month's merge stays a few hundred kilobytes. Should that ever be too much, replace the
tuple here with a mergeable sketch (DDSketch, t-digest); nothing outside this module sees the representation.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DurationSample:
    """Sorted whole-second durations. Build with ``DurationSample.of(values)``; combine with ``merge``."""

    seconds: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in self.seconds):
            raise ValueError("durations are whole seconds >= 0")
        if any(a > b for a, b in zip(self.seconds, self.seconds[1:], strict=False)):
            raise ValueError("DurationSample.seconds must be sorted; build it with DurationSample.of()")

    @classmethod
    def of(cls, values: Iterable[float]) -> DurationSample:
        """A sample from any durations in seconds; fractions are rounded to the nearest second."""
        return cls(tuple(sorted(round(v) for v in values)))

    @property
    def count(self) -> int:
        return len(self.seconds)

    def merge(self, other: DurationSample) -> DurationSample:
        """Both samples' observations, still sorted (a linear merge, not a re-sort)."""
        return DurationSample(tuple(heapq.merge(self.seconds, other.seconds)))

    def quantile(self, p: float) -> int | None:
        """The nearest-rank p-quantile (0 < p <= 1), or ``None`` for an empty sample (no figure, not zero)."""
        if not 0.0 < p <= 1.0:
            raise ValueError(f"a quantile is 0 < p <= 1, got {p}")
        if not self.seconds:
            return None
        rank = max(1, math.ceil(p * len(self.seconds)))
        return self.seconds[rank - 1]

    @property
    def median(self) -> int | None:
        return self.quantile(0.5)

    @property
    def p90(self) -> int | None:
        return self.quantile(0.9)


def merge_all(samples: Iterable[DurationSample]) -> DurationSample:
    """One sample holding every observation of ``samples`` (a k-way merge)."""
    return DurationSample(tuple(heapq.merge(*(s.seconds for s in samples))))
