"""Pure policy evaluation: detector outcomes in, a Decision out. Same inputs, same decision, no I/O.

Rules are evaluated in file order. The verdict is the highest verdict of the fired rules (``verdict_at_least``
sees the verdict reached by the rules before it). The category is the highest-scoring category among the fired
rules' categories (ties: higher severity, then higher verdict, then taxonomy order); a carrier rule's category
counts only when no other categorised rule fired at the carriers' verdict or higher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qinglang.domain import Category, Decision, DetectorOutcome, LabelResult, Signal, Verdict
from qinglang.domain.model import HARM_CATEGORIES
from qinglang.policy.compiled import Context, compiled, rule_index
from qinglang.policy.model import Policy, Rule

MAX_EVIDENCE_PER_LABEL = 20
FAILURE_FLOOR_RULE = "detector-failed-floor"
_RANK = {v: v.rank for v in Verdict}
_TAXONOMY_ORDER = {c: i for i, c in enumerate(HARM_CATEGORIES)}
_HARM_KEYS = tuple(c.value for c in HARM_CATEGORIES)


@dataclass(frozen=True, slots=True)
class _Fired:
    """A rule that fired, the signals it matched, and their best score and severity."""

    rule: Rule
    matched: tuple[Signal, ...]
    score: float
    severity: int

    @classmethod
    def of(cls, rule: Rule, matched: tuple[Signal, ...]) -> _Fired:
        matched = _unique(matched)
        score = max((s.score for s in matched), default=0.0)
        return cls(rule, matched, score, max((s.severity for s in matched), default=0))


def _unique(items) -> tuple:
    """Items in order without repeats (by identity: signals and evidence hold dicts, so are not hashable)."""
    return tuple({id(i): i for i in items}.values())


def _fire_rules(policy: Policy, signals, outcomes) -> tuple[Verdict, list[_Fired]]:
    ctx, fired, verdict = Context.build(signals, outcomes), [], Verdict.PASS
    rules = policy.rules
    for i in rule_index(rules).candidates(ctx.present):  # rules whose signals are all absent cannot fire
        rule = rules[i]
        ok, matched = compiled(rule)(ctx)
        if ok:
            fired.append(_Fired.of(rule, matched))
            rank = _RANK[rule.verdict]
            if rank > ctx.rank:
                verdict, ctx.rank = rule.verdict, rank
    return verdict, fired


def _category(fired: Sequence[_Fired]) -> Category:
    """The highest-scoring category of the fired rules that say what the text is about, at the verdict of the
    carrier rules (a handle, link or QR code: the way out, not the content) or higher; the carriers' own only
    when no such rule fired. A gambling post with a QQ number is a gambling post; a handle next to 看全集 that
    blocks is drainage, whatever a review-level score says about the teaser."""
    named = [f for f in fired if f.rule.category is not None and f.rule.category != Category.NONE]
    carried = max((_RANK[f.rule.verdict] for f in named if f.rule.carrier), default=0)
    content = [f for f in named if not f.rule.carrier and _RANK[f.rule.verdict] >= carried]
    best: tuple | None = None
    for f in content or [f for f in named if f.rule.carrier]:
        cat = f.rule.category
        key = (f.score, f.severity, _RANK[f.rule.verdict], -_TAXONOMY_ORDER[cat])
        if best is None or key > best[0]:
            best = (key, cat)
    return best[1] if best else Category.NONE


def _scores(fired: Sequence[_Fired], signals: Sequence[Signal]) -> dict[str, float]:
    scores = dict.fromkeys(_HARM_KEYS, 0.0)
    for f in fired:
        if f.rule.category is not None and f.rule.category != Category.NONE:
            scores[f.rule.category.value] = max(scores[f.rule.category.value], f.score)
    for s in signals:
        top = s.label.partition("/")[0]
        if top in scores:
            scores[top] = max(scores[top], s.score)
    scores = {k: round(min(max(v, 0.0), 1.0), 4) for k, v in scores.items()}
    scores[Category.NONE.value] = round(1.0 - max(scores.values()), 4)
    return scores


def _labels(fired: Sequence[_Fired]) -> tuple[LabelResult, ...]:
    merged: dict[str, LabelResult] = {}
    for f in fired:
        name = f.rule.label or (f.rule.category.value if f.rule.category else None)
        if not name:
            continue
        evidence = tuple(e for s in f.matched for e in s.evidence)
        old = merged.get(name)
        if old is None:
            merged[name] = LabelResult(name, f.score, evidence[:MAX_EVIDENCE_PER_LABEL], (f.rule.id,))
        else:
            ev = _unique(old.evidence + evidence)[:MAX_EVIDENCE_PER_LABEL]
            merged[name] = LabelResult(name, max(old.score, f.score), ev, old.rules + (f.rule.id,))
    return tuple(sorted(merged.values(), key=lambda r: (-r.score, r.label)))


def evaluate(policy: Policy, outcomes: Sequence[DetectorOutcome]) -> Decision:
    """Turn detector outcomes into a Decision. Failed detectors never yield ``pass``."""
    signals = tuple(s for o in outcomes if o.status == "ok" for s in o.signals)
    verdict, fired = _fire_rules(policy, signals, outcomes)
    rules = tuple(f.rule.id for f in fired)
    if any(o.status == "failed" for o in outcomes) and _RANK[verdict] < _RANK[policy.on_detector_failure]:
        verdict, rules = policy.on_detector_failure, rules + (FAILURE_FLOOR_RULE,)
    return Decision(
        verdict=verdict,
        category=_category(fired),
        labels=_labels(fired),
        scores=_scores(fired, signals),
        rules=rules,
        policy_id=policy.id,
        policy_version=policy.version,
        decided_by="policy",
        outcomes=tuple(outcomes),
    )
