"""Parse a rule's ``when:`` node into a condition tree, reporting problems with their line.

Forms (one per mapping):

- ``signal: detector.label`` with optional ``min_score`` (number, or a path into ``thresholds`` such as
  ``classifier.block.porn``), ``min_severity`` (0..3) and ``count`` (at least this many matching signals);
- ``any: [conditions]``, ``all: [conditions]`` (a bare list is ``all``), ``not: condition``;
- ``verdict_at_least: review`` (the rules above this one already reached that verdict);
- ``detector_failed: name`` (``*`` for any detector).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import yaml

from qinglang.domain import Verdict
from qinglang.policy.model import (
    ANY,
    AllCondition,
    AnyCondition,
    Condition,
    DetectorFailedCondition,
    NotCondition,
    SignalCondition,
    VerdictAtLeast,
)

SIGNAL_REF = re.compile(r"^(\*|[a-z0-9_]+)\.(\*|[a-z0-9_]+(/[a-z0-9_]+)*)$")
DETECTOR_NAME = re.compile(r"^(\*|[a-z0-9_]+)$")
FORMS = ("signal", "any", "all", "not", "verdict_at_least", "detector_failed")
SIGNAL_OPTIONS = {"min_score", "min_severity", "count"}
ALWAYS_KNOWN = {"register", "account"}  # the register and account stages are part of every pipeline


class NodeReporter(Protocol):
    def error(self, node: yaml.Node | None, message: str) -> None: ...

    def warn(self, node: yaml.Node | None, message: str) -> None: ...


def scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (ints, floats, strings resolved as YAML would); None otherwise."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ConditionParser:
    def __init__(self, rep: NodeReporter, thresholds: dict, known_detectors: set[str] | None):
        self.rep = rep
        self.thresholds = thresholds
        self.known = None if known_detectors is None else set(known_detectors) | ALWAYS_KNOWN
        self._warned: set[str] = set()

    def parse(self, node: yaml.Node) -> Condition | None:
        if isinstance(node, yaml.SequenceNode):
            return self._combinator(node, "all", node)
        if not isinstance(node, yaml.MappingNode):
            self.rep.error(node, "a condition must be a mapping such as {signal: lexicon.porn}")
            return None
        keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        forms = [f for f in FORMS if f in keys]
        if len(forms) != 1:
            found = ", ".join(forms) or "none"
            self.rep.error(node, f"a condition needs exactly one of {', '.join(FORMS)} (found: {found})")
            return None
        form = forms[0]
        allowed = {form} | (SIGNAL_OPTIONS if form == "signal" else set())
        for key, (key_node, _) in keys.items():
            if key not in allowed:
                self.rep.error(key_node, f"unknown key {key!r} in a {form!r} condition")
        value_node = keys[form][1]
        if form == "signal":
            return self._signal(value_node, {k: v for k, (_, v) in keys.items() if k in SIGNAL_OPTIONS})
        if form in ("any", "all"):
            return self._combinator(value_node, form, node)
        if form == "not":
            inner = self.parse(value_node)
            return NotCondition(inner) if inner is not None else None
        if form == "verdict_at_least":
            return self._verdict_at_least(value_node)
        return self._detector_failed(value_node)

    def _combinator(self, node: yaml.Node, form: str, owner: yaml.Node) -> Condition | None:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.rep.error(owner, f"{form!r} needs a non-empty list of conditions")
            return None
        items = [self.parse(n) for n in node.value]
        if any(i is None for i in items):
            return None
        return AnyCondition(tuple(items)) if form == "any" else AllCondition(tuple(items))

    def _signal(self, node: yaml.Node, options: dict[str, yaml.Node]) -> SignalCondition | None:
        ref = scalar(node)
        match = SIGNAL_REF.match(ref) if isinstance(ref, str) else None
        if match is None:
            self.rep.error(node, f"signal reference {ref!r} must look like 'detector.label', e.g. 'lexicon.porn'")
            return None
        detector, label = match.group(1), match.group(2)
        self._check_known(node, detector)
        min_score = self._min_score(options["min_score"]) if "min_score" in options else 0.0
        min_severity = self._int(options.get("min_severity"), 0, 3, "min_severity", 0)
        count = self._int(options.get("count"), 1, 10_000, "count", 1)
        if min_score is None or min_severity is None or count is None:
            return None
        return SignalCondition(detector, label, float(min_score), min_severity, count)

    def _min_score(self, node: yaml.Node) -> float | None:
        value = scalar(node)
        if isinstance(value, str):
            resolved = self._threshold(value)
            if resolved is None:
                self.rep.error(node, f"min_score {value!r} names no number under 'thresholds'")
                return None
            value = resolved
        if not _is_number(value) or not 0.0 <= value <= 1.0:
            self.rep.error(node, f"min_score must be a number between 0 and 1, got {value!r}")
            return None
        return float(value)

    def _threshold(self, path: str) -> Any:
        value: Any = self.thresholds
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value if _is_number(value) else None

    def _int(self, node: yaml.Node | None, low: int, high: int, what: str, default: int) -> int | None:
        if node is None:
            return default
        value = scalar(node)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.rep.error(node, f"{what} must be a whole number from {low} to {high}, got {value!r}")
            return None
        return value

    def _verdict_at_least(self, node: yaml.Node) -> VerdictAtLeast | None:
        value = scalar(node)
        try:
            return VerdictAtLeast(Verdict(value))
        except ValueError:
            self.rep.error(node, f"unknown verdict {value!r}; use one of: pass, review, block")
            return None

    def _detector_failed(self, node: yaml.Node) -> DetectorFailedCondition | None:
        name = scalar(node)
        if not isinstance(name, str) or not DETECTOR_NAME.match(name):
            self.rep.error(node, f"detector_failed needs a detector name or '*', got {name!r}")
            return None
        self._check_known(node, name)
        return DetectorFailedCondition(name)

    def _check_known(self, node: yaml.Node, detector: str) -> None:
        if self.known is not None and detector != ANY and detector not in self.known | self._warned:
            self._warned.add(detector)
            self.rep.warn(node, f"unknown detector {detector!r}: this rule never fires unless it is installed")
