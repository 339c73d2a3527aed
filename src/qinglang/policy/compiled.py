"""Conditions compiled to closures once per rule, so evaluating a policy is a few plain loops.

A compiled condition takes a ``Context`` and returns ``(holds, matched signals)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qinglang.domain import DetectorOutcome, Evidence, Signal
from qinglang.policy.model import (
    ANY,
    AllCondition,
    AnyCondition,
    Condition,
    DetectorFailedCondition,
    NotCondition,
    Rule,
    SignalCondition,
    VerdictAtLeast,
    signal_refs,
)

Result = tuple[bool, tuple[Signal, ...]]
Check = Callable[["Context"], Result]
_FALSE: Result = (False, ())
_TRUE: Result = (True, ())


@dataclass(slots=True)
class Context:
    """What conditions look at: signals indexed by detector, outcomes, and the verdict rank reached so far."""

    by_detector: dict[str, tuple[Signal, ...]]
    outcomes: Sequence[DetectorOutcome]
    present: frozenset[tuple[str, str]] = frozenset()  # every (detector, label) ref some signal satisfies
    rank: int = 0

    @classmethod
    def build(cls, signals: Sequence[Signal], outcomes: Sequence[DetectorOutcome]) -> Context:
        index: dict[str, list[Signal]] = {}
        for s in signals:
            index.setdefault(s.detector, []).append(s)
        by_detector = {k: tuple(v) for k, v in index.items()}
        if signals:
            by_detector[ANY] = tuple(signals)
        present = frozenset(ref for s in signals for ref in _refs(s.detector, s.label))
        return cls(by_detector, outcomes, present)


@lru_cache(maxsize=4096)
def _refs(detector: str, label: str) -> tuple[tuple[str, str], ...]:
    return tuple(signal_refs(detector, label))


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Which rules can fire, given the signal refs present: each rule under the refs that trigger it, plus the
    rules that need no signal at all. Evaluating then visits only those rules, still in file order."""

    always: tuple[int, ...]
    by_ref: dict[tuple[str, str], tuple[int, ...]]

    @classmethod
    def build(cls, rules: Sequence[Rule]) -> RuleIndex:
        by_ref: dict[tuple[str, str], list[int]] = {}
        for i, rule in enumerate(rules):
            for ref in rule.triggers or ():
                by_ref.setdefault(ref, []).append(i)
        always = tuple(i for i, rule in enumerate(rules) if rule.triggers is None)
        return cls(always, {ref: tuple(ids) for ref, ids in by_ref.items()})

    def candidates(self, present: frozenset[tuple[str, str]]) -> Sequence[int]:
        """Positions of the rules worth checking, ascending."""
        found = set(self.always)
        for ref in present:
            found.update(self.by_ref.get(ref, ()))
        return sorted(found)


_INDEXES: dict[int, tuple[Sequence[Rule], RuleIndex]] = {}


def rule_index(rules: Sequence[Rule]) -> RuleIndex:
    """The index of a policy's rules, built on first use. Kept by the identity of the (immutable) rules tuple,
    which the cache holds on to, so an id is never mistaken for another policy's. A mutable sequence is indexed
    afresh on every call."""
    if not isinstance(rules, tuple):
        return RuleIndex.build(rules)
    entry = _INDEXES.get(id(rules))
    if entry is None or entry[0] is not rules:
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        entry = (rules, RuleIndex.build(rules))
        _INDEXES[id(rules)] = entry
    return entry[1]


def failure_signals(outcomes: Sequence[DetectorOutcome], detector: str) -> tuple[Signal, ...]:
    """A pseudo-signal per failed detector, so a failure shows on the decision with its error."""
    return tuple(
        Signal(o.detector, "failed", 1.0,
               (Evidence(kind="detector_failed", detail={"detector": o.detector, "error": o.error or ""}),))
        for o in outcomes
        if o.status == "failed" and detector in (ANY, o.detector)
    )


def _signal(cond: SignalCondition) -> Check:
    detector, label, prefix = cond.detector, cond.label, cond.label + "/"
    min_score, min_severity, count, any_label = cond.min_score, cond.min_severity, cond.count, cond.label == ANY

    def check(ctx: Context) -> Result:
        candidates = ctx.by_detector.get(detector)
        if not candidates:
            return _FALSE
        matched = [
            s for s in candidates
            if (any_label or s.label == label or s.label.startswith(prefix))
            and s.score >= min_score and s.severity >= min_severity
        ]
        return (True, tuple(matched)) if len(matched) >= count else _FALSE

    return check


def _any(items: list[Check]) -> Check:
    def check(ctx: Context) -> Result:
        holds, matched = False, []
        for item in items:
            ok, found = item(ctx)
            if ok:
                holds = True
                matched.extend(found)
        return (True, tuple(matched)) if holds else _FALSE

    return check


def _all(items: list[Check]) -> Check:
    def check(ctx: Context) -> Result:
        matched = []
        for item in items:
            ok, found = item(ctx)
            if not ok:
                return _FALSE
            matched.extend(found)
        return True, tuple(matched)

    return check


def _not(item: Check) -> Check:
    return lambda ctx: _FALSE if item(ctx)[0] else _TRUE


def _verdict_at_least(cond: VerdictAtLeast) -> Check:
    rank = cond.verdict.rank
    return lambda ctx: _TRUE if ctx.rank >= rank else _FALSE


def _failed(cond: DetectorFailedCondition) -> Check:
    def check(ctx: Context) -> Result:
        failed = failure_signals(ctx.outcomes, cond.detector)
        return (True, failed) if failed else _FALSE

    return check


def compile_condition(cond: Condition) -> Check:
    if isinstance(cond, SignalCondition):
        return _signal(cond)
    if isinstance(cond, AnyCondition):
        return _any([compile_condition(c) for c in cond.items])
    if isinstance(cond, AllCondition):
        return _all([compile_condition(c) for c in cond.items])
    if isinstance(cond, NotCondition):
        return _not(compile_condition(cond.item))
    if isinstance(cond, VerdictAtLeast):
        return _verdict_at_least(cond)
    if isinstance(cond, DetectorFailedCondition):
        return _failed(cond)
    raise TypeError(f"unknown condition {cond!r}")


def compiled(rule: Rule) -> Check:
    """The rule's compiled condition, built on first use and kept on the (immutable) rule."""
    check = rule.compiled
    if check is None:
        check = compile_condition(rule.when)
        object.__setattr__(rule, "compiled", check)
    return check
