"""Loading and checking policy files: line numbers, golden error messages, the shipped default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qinglang.cli.main import cli
from qinglang.domain import Verdict
from qinglang.errors import PolicyError
from qinglang.policy import check_policy_file, default_policy, load_policy, parse_policy
from qinglang.policy.model import AllCondition, NotCondition, SignalCondition, VerdictAtLeast

GOLDEN = Path(__file__).parent / "golden" / "policy"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("case", CASES)
def test_policy_check_output_matches_golden_file(case, monkeypatch):
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(cli, ["policy", "check", f"{case}.yaml"])
    actual = result.output + f"exit {result.exit_code}\n"
    golden = GOLDEN / f"{case}.out"
    if os.environ.get("QINGLANG_UPDATE_GOLDEN"):
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")


def test_shipped_default_policy_has_no_errors():
    issues = check_policy_file(Path(__file__).parents[2] / "src/qinglang/policy/default.yaml")
    assert [i for i in issues if i.severity == "error"] == []
    assert default_policy().id == "qinglang-default" and len(default_policy().rules) > 20


def test_policy_check_json_lists_issues_with_lines(monkeypatch):
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(cli, ["policy", "check", "--json", "bad_yaml.yaml"])
    assert result.exit_code == 1
    assert '"line": 6' in result.output and '"valid": false' in result.output


def test_load_policy_raises_with_file_and_line():
    with pytest.raises(PolicyError) as err:
        load_policy(GOLDEN / "bad_structure.yaml")
    assert err.value.code == "policy_invalid"
    assert err.value.details["line"] == 3 and "qinglang policy check" in err.value.message


def test_combinators_and_shorthand_list_parse_into_a_tree():
    policy, issues = parse_policy(
        """
id: p
version: "1"
thresholds: {cls: {porn: 0.7}}
rules:
  - id: r
    when:
      - {verdict_at_least: review}
      - not: {signal: "*.porn", min_score: cls.porn, count: 2}
    then: {verdict: block}
"""
    )
    assert issues == [] and policy is not None
    when = policy.rules[0].when
    assert isinstance(when, AllCondition) and isinstance(when.items[0], VerdictAtLeast)
    inner = when.items[1]
    assert isinstance(inner, NotCondition) and inner.item == SignalCondition("*", "porn", 0.7, 0, 2)
    assert policy.rules[0].verdict == Verdict.BLOCK and policy.rules[0].line == 6


def test_failures_may_not_be_declared_a_pass():
    policy, issues = parse_policy("id: p\nversion: 1\non_detector_failure: pass\nrules: []\n", "p.yaml")
    assert policy is None
    assert str(issues[0]) == "p.yaml:3: on_detector_failure must be review or block: failures never pass"


def test_duplicate_yaml_keys_are_errors():
    _, issues = parse_policy("id: p\nid: q\nversion: 1\nrules: []\n", "p.yaml")
    assert [str(i) for i in issues] == ["p.yaml:2: duplicate key 'id' in the policy"]


def test_empty_and_unreadable_files_are_reported(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", "utf-8")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"id: \xff\n")
    assert [i.message for i in check_policy_file(empty)] == ["the policy file is empty"]
    assert check_policy_file(binary)[0].message == "not valid UTF-8 at byte 4"
    assert check_policy_file(tmp_path / "missing.yaml")[0].line == 0
