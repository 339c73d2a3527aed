"""Rescreen words and tallies, pure: how a candidate's decisions differ from the current ones, and how both agree
with the people who reviewed the same contents.

A *flagged* item is one whose verdict is not ``pass`` (``review`` or ``block``: the system asks for something to
happen). Against human review (cases closed as ``violation`` = positive, ``no_violation`` = negative):

- precision = flagged violations / flagged reviewed items,
- recall = flagged violations / reviewed violations.

Both are ``None`` when their denominator is zero, never a made-up 0 or 1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

VERDICTS = ("pass", "review", "block")


@dataclass(frozen=True, slots=True)
class Replayed:
    """One content version's current decision and the candidate's."""

    version_pk: int
    content_id: str
    version: str
    before_verdict: str
    before_category: str
    after_verdict: str
    after_category: str
    after_rules: tuple[str, ...] = ()
    human: str | None = None  # "violation" | "no_violation" | None (never reviewed)

    @property
    def changed(self) -> bool:
        return (self.before_verdict, self.before_category) != (self.after_verdict, self.after_category)


@dataclass(slots=True)
class Agreement:
    """A confusion table against human review."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, flagged: bool, violation: bool) -> None:
        if flagged and violation:
            self.true_positive += 1
        elif flagged:
            self.false_positive += 1
        elif violation:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def precision(self) -> float | None:
        flagged = self.true_positive + self.false_positive
        return round(self.true_positive / flagged, 4) if flagged else None

    @property
    def recall(self) -> float | None:
        violations = self.true_positive + self.false_negative
        return round(self.true_positive / violations, 4) if violations else None

    def to_dict(self) -> dict[str, int | float | None]:
        return {"true_positive": self.true_positive, "false_positive": self.false_positive,
                "false_negative": self.false_negative, "true_negative": self.true_negative,
                "precision": self.precision, "recall": self.recall}


@dataclass(slots=True)
class Tally:
    """Everything a rescreen reports, added to one item at a time (memory grows only with ``max_changes``)."""

    max_changes: int = 10_000
    scanned: int = 0
    changed: int = 0
    before: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    before_category: Counter[str] = field(default_factory=Counter)
    after_category: Counter[str] = field(default_factory=Counter)
    current: Agreement = field(default_factory=Agreement)
    candidate: Agreement = field(default_factory=Agreement)
    changes: list[Replayed] = field(default_factory=list)

    def add(self, item: Replayed) -> None:
        self.scanned += 1
        self.before[item.before_verdict] += 1
        self.after[item.after_verdict] += 1
        self.before_category[item.before_category] += 1
        self.after_category[item.after_category] += 1
        if item.changed:
            self.changed += 1
            if len(self.changes) < self.max_changes:
                self.changes.append(item)
        if item.human in ("violation", "no_violation"):
            violation = item.human == "violation"
            self.current.add(item.before_verdict != "pass", violation)
            self.candidate.add(item.after_verdict != "pass", violation)

    @property
    def reviewed(self) -> int:
        c = self.current
        return c.true_positive + c.false_positive + c.false_negative + c.true_negative

    def to_dict(self) -> dict:
        categories = sorted(set(self.before_category) | set(self.after_category))
        return {
            "scanned": self.scanned,
            "changed": self.changed,
            "verdicts": {v: {"before": self.before[v], "after": self.after[v]} for v in VERDICTS},
            "categories": {c: {"before": self.before_category[c], "after": self.after_category[c]}
                           for c in categories},
            "reviewed": self.reviewed,
            "current": self.current.to_dict(),
            "candidate": self.candidate.to_dict(),
            "changes": [_change(i) for i in self.changes],
            "changes_truncated": self.changed > len(self.changes),
        }


def _change(item: Replayed) -> dict:
    return {"version_pk": item.version_pk, "content_id": item.content_id, "version": item.version,
            "before": {"verdict": item.before_verdict, "category": item.before_category},
            "after": {"verdict": item.after_verdict, "category": item.after_category, "rules": list(item.after_rules)},
            "human": item.human}
