"""Policy data model: rules, conditions and the policy that holds them. Pure data, no I/O.

A rule's ``when`` is a tree of conditions; ``then`` says what a fired rule contributes to the decision.
See docs/policy.md for the YAML rule language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qinglang.domain import Category, Verdict

ANY = "*"


@dataclass(frozen=True, slots=True)
class SignalCondition:
    """True when at least ``count`` signals match ``detector.label`` with the given minimum score and severity.

    ``label`` matches the signal's full label or any prefix ending at a slash (``porn`` matches ``porn/explicit``);
    ``*`` as detector or label matches anything.
    """

    detector: str
    label: str
    min_score: float = 0.0
    min_severity: int = 0
    count: int = 1

    @property
    def ref(self) -> str:
        return f"{self.detector}.{self.label}"


@dataclass(frozen=True, slots=True)
class AnyCondition:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AllCondition:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotCondition:
    item: Condition


@dataclass(frozen=True, slots=True)
class VerdictAtLeast:
    """True when the rules before this one (in file order) already reached ``verdict``."""

    verdict: Verdict


@dataclass(frozen=True, slots=True)
class DetectorFailedCondition:
    """True when the named detector (``*``: any detector) failed on the item."""

    detector: str = ANY


Condition = SignalCondition | AnyCondition | AllCondition | NotCondition | VerdictAtLeast | DetectorFailedCondition


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: a stable kebab-case ``id``, a condition and what it contributes when it fires."""

    id: str
    when: Condition
    verdict: Verdict
    category: Category | None = None
    label: str | None = None
    description: str = ""
    line: int = 0
    # a carrier rule fires on the way to a destination (a handle, link or QR code), not on what the text is
    # about: its category counts only when no other categorised rule fired at its verdict or higher
    # (docs/policy.md, "Carriers")
    carrier: bool = False
    # (detector, label) refs of which at least one must be among the signals for the rule to fire; None: no need
    triggers: frozenset[tuple[str, str]] | None = field(init=False, compare=False, repr=False, default=None)
    compiled: Any = field(init=False, compare=False, repr=False, default=None)  # see policy.compiled

    def __post_init__(self) -> None:
        object.__setattr__(self, "triggers", required_refs(self.when))

    def __reduce__(self):
        """Pickled without its compiled condition (closures, which do not pickle): a policy sent to another
        process (a batch engine's worker) compiles its rules there on first use."""
        return (Rule, (self.id, self.when, self.verdict, self.category, self.label, self.description, self.line,
                       self.carrier))


@dataclass(frozen=True, slots=True)
class Policy:
    """A versioned set of rules. ``on_detector_failure`` is the verdict floor when any detector failed."""

    id: str
    version: str
    rules: tuple[Rule, ...]
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    on_detector_failure: Verdict = Verdict.REVIEW
    description: str = ""
    source: str = ""


def required_refs(condition: Condition) -> frozenset[tuple[str, str]] | None:
    """``(detector, label)`` refs of which at least one must match a signal for ``condition`` to hold.

    None when the condition can hold without any signal (``not``, ``verdict_at_least``, ``detector_failed``).
    Lets the evaluator skip, with one set operation, rules about signals that are not there.
    """
    if isinstance(condition, SignalCondition):
        return frozenset(((condition.detector, condition.label),))
    if isinstance(condition, AnyCondition):
        parts = [required_refs(item) for item in condition.items]
        return None if any(p is None for p in parts) else frozenset().union(*parts)
    if isinstance(condition, AllCondition):
        parts = [p for p in (required_refs(item) for item in condition.items) if p is not None]
        return min(parts, key=len) if parts else None
    return None


def signal_refs(detector: str, label: str) -> list[tuple[str, str]]:
    """Every ``(detector, label)`` ref a signal can satisfy: its label, each prefix of it, and ``*`` forms."""
    parts = label.split("/")
    labels = ["/".join(parts[: i + 1]) for i in range(len(parts))] + [ANY]
    return [(d, lab) for d in (detector, ANY) for lab in labels]
