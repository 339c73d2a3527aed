"""Policy: versioned YAML rules that turn detector signals into a Decision (see docs/policy.md)."""

from qinglang.policy.evaluator import apply_manual_override, effective_decision, evaluate, is_manual
from qinglang.policy.loader import PolicyIssue, check_policy_file, default_policy, load_policy, parse_policy
from qinglang.policy.model import Policy, Rule

__all__ = [
    "Policy",
    "PolicyIssue",
    "Rule",
    "apply_manual_override",
    "check_policy_file",
    "default_policy",
    "effective_decision",
    "evaluate",
    "is_manual",
    "load_policy",
    "parse_policy",
]
