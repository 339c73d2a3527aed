"""Policy: versioned YAML rules that turn detector signals into a Decision (see docs/policy.md)."""

from qinglang.policy.evaluator import evaluate
from qinglang.policy.loader import PolicyIssue, check_policy_file, default_policy, load_policy, parse_policy
from qinglang.policy.model import Policy, Rule

__all__ = [
    "Policy",
    "PolicyIssue",
    "Rule",
    "check_policy_file",
    "default_policy",
    "evaluate",
    "load_policy",
    "parse_policy",
]
