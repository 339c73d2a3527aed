"""Load and check policy files. Every problem is reported with the file and line it comes from.

The YAML is composed into nodes (which carry line marks) and checked node by node, so an error message can say
``policy.yaml:12: unknown verdict 'deny'``. Warnings (e.g. a rule referring to a detector that is not installed)
do not make a policy invalid: such a rule simply never fires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from qinglang.domain import Category, Verdict
from qinglang.errors import PolicyError
from qinglang.policy.conditions import ConditionParser, NodeReporter, scalar
from qinglang.policy.model import Policy, Rule

RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LABEL = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
TOP_KEYS = {"id", "version", "description", "thresholds", "on_detector_failure", "rules"}
RULE_KEYS = {"id", "description", "when", "then"}
THEN_KEYS = {"verdict", "category", "label", "carrier"}
VERDICTS = ", ".join(v.value for v in Verdict)
CATEGORIES = ", ".join(c.value for c in Category)


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    """One problem in a policy file. ``line`` is 1-based (0 when the file could not be read at all)."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class _Reporter(NodeReporter):
    def __init__(self, source: str):
        self.source = source
        self.issues: list[PolicyIssue] = []

    def error(self, node: yaml.Node | None, message: str) -> None:
        self.issues.append(PolicyIssue(self.source, _line(node), message))

    def warn(self, node: yaml.Node | None, message: str) -> None:
        self.issues.append(PolicyIssue(self.source, _line(node), message, "warning"))


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _mapping(rep: _Reporter, node: yaml.Node, allowed: set[str], what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Key -> (key node, value node); reports non-mappings, unknown and duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        rep.error(node, f"{what} must be a mapping")
        return {}
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key in out:
            rep.error(key_node, f"duplicate key {key!r} in {what}")
        elif key not in allowed:
            rep.error(key_node, f"unknown key {key!r} in {what}; allowed: {', '.join(sorted(allowed))}")
        else:
            out[key] = (key_node, value_node)
    return out


def _enum(rep: _Reporter, node: yaml.Node, enum, choices: str, what: str):
    value = scalar(node)
    try:
        return enum(value)
    except ValueError:
        rep.error(node, f"unknown {what} {value!r}; use one of: {choices}")
        return None


def _parse_then(rep: _Reporter, node: yaml.Node) -> tuple[Verdict | None, Category | None, str | None, bool]:
    then = _mapping(rep, node, THEN_KEYS, "'then'")
    if "verdict" not in then:
        rep.error(node, "'then' needs a verdict (pass, review or block)")
    verdict = _enum(rep, then["verdict"][1], Verdict, VERDICTS, "verdict") if "verdict" in then else None
    category = _enum(rep, then["category"][1], Category, CATEGORIES, "category") if "category" in then else None
    label = None
    if "label" in then:
        label = str(scalar(then["label"][1]))
        if not LABEL.match(label):
            rep.error(then["label"][1], f"label {label!r} must look like 'porn' or 'illicit_ad/drainage'")
    carrier = False
    if "carrier" in then:
        carrier = scalar(then["carrier"][1])
        if not isinstance(carrier, bool):
            rep.error(then["carrier"][1], "'carrier' must be true or false")
            carrier = False
        elif carrier and category is None:
            rep.error(then["carrier"][1], "a carrier rule needs a category to fall back on")
    return verdict, category, label, carrier


def _parse_rule(rep: _Reporter, node: yaml.Node, conditions: ConditionParser, seen: dict[str, int]) -> Rule | None:
    fields = _mapping(rep, node, RULE_KEYS, "a rule")
    for required in ("id", "when", "then"):
        if fields is not None and required not in fields and isinstance(node, yaml.MappingNode):
            rep.error(node, f"rule is missing {required!r}")
    if "id" not in fields:
        return None
    rule_id = str(scalar(fields["id"][1]))
    if not RULE_ID.match(rule_id):
        rep.error(fields["id"][1], f"rule id {rule_id!r} must be kebab-case, e.g. 'porn-explicit-block'")
    if rule_id in seen:
        rep.error(fields["id"][1], f"duplicate rule id {rule_id!r} (first defined on line {seen[rule_id]})")
    seen.setdefault(rule_id, _line(fields["id"][1]))
    when = conditions.parse(fields["when"][1]) if "when" in fields else None
    verdict, category, label, carrier = (_parse_then(rep, fields["then"][1]) if "then" in fields
                                         else (None, None, None, False))
    if when is None or verdict is None:
        return None
    description = str(scalar(fields["description"][1])) if "description" in fields else ""
    return Rule(rule_id, when, verdict, category, label, description, _line(node), carrier)


def _parse_document(rep: _Reporter, root: yaml.Node, loader: yaml.SafeLoader, known) -> Policy | None:
    top = _mapping(rep, root, TOP_KEYS, "the policy")
    for required in ("id", "version", "rules"):
        if required not in top and isinstance(root, yaml.MappingNode):
            rep.error(root, f"the policy is missing {required!r}")
    thresholds = loader.construct_object(top["thresholds"][1], deep=True) if "thresholds" in top else {}
    if not isinstance(thresholds, dict):
        rep.error(top["thresholds"][1], "'thresholds' must be a mapping")
        thresholds = {}
    floor = Verdict.REVIEW
    if "on_detector_failure" in top:
        floor = _enum(rep, top["on_detector_failure"][1], Verdict, "review, block", "on_detector_failure")
        if floor == Verdict.PASS:
            rep.error(top["on_detector_failure"][1], "on_detector_failure must be review or block: failures never pass")
    conditions = ConditionParser(rep, thresholds, known)
    rules, seen = [], {}
    rules_node = top["rules"][1] if "rules" in top else None
    if rules_node is not None and not isinstance(rules_node, yaml.SequenceNode):
        rep.error(rules_node, "'rules' must be a list of rules")
    elif rules_node is not None:
        rules = [_parse_rule(rep, n, conditions, seen) for n in rules_node.value]
    if "id" not in top or "version" not in top:
        return None
    return Policy(
        id=str(scalar(top["id"][1])),
        version=str(scalar(top["version"][1])),
        rules=tuple(r for r in rules if r is not None),
        thresholds=thresholds,
        on_detector_failure=floor or Verdict.REVIEW,
        description=str(scalar(top["description"][1])) if "description" in top else "",
        source=rep.source,
    )


def parse_policy(
    text: str, source: str = "<policy>", known_detectors: Iterable[str] | None = None
) -> tuple[Policy | None, list[PolicyIssue]]:
    """Parse policy YAML. Returns the policy (None when unusable) and every issue found, in line order."""
    rep = _Reporter(source)
    known = set(known_detectors) if known_detectors is not None else None
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            policy = _parse_document(rep, root, loader, known) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        rep.issues.append(PolicyIssue(source, line, f"not valid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None, rep.issues
    if policy is None and not rep.issues:
        rep.issues.append(PolicyIssue(source, 1, "the policy file is empty"))
    issues = sorted(rep.issues, key=lambda i: i.line)
    return (None if any(i.severity == "error" for i in issues) else policy), issues


def check_policy_file(path: Path, known_detectors: Iterable[str] | None = None) -> list[PolicyIssue]:
    """Every issue in a policy file (``qinglang policy check``)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [PolicyIssue(str(path), 1, f"not valid UTF-8 at byte {exc.start}")]
    except OSError as exc:
        return [PolicyIssue(str(path), 0, f"cannot read the policy file: {exc.strerror}")]
    return parse_policy(text, str(path), known_detectors)[1]


def load_policy(path: Path) -> Policy:
    """Load a policy file or raise ``PolicyError`` naming the first error's file and line."""
    issues = check_policy_file(path)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        raise PolicyError(
            f"{first}; run `qinglang policy check {path}` for every problem",
            details={"file": first.file, "line": first.line, "errors": [str(e) for e in errors]},
        )
    return parse_policy(Path(path).read_text("utf-8"), str(path))[0]


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The policy shipped in the package (``qinglang/policy/default.yaml``)."""
    text = resources.files("qinglang.policy").joinpath("default.yaml").read_text("utf-8")
    policy, issues = parse_policy(text, "qinglang/policy/default.yaml")
    if policy is None:
        raise PolicyError(f"the shipped default policy is invalid: {issues[0]}")
    return policy
