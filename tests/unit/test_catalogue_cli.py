"""``qinglang catalogue check``: the shipped catalogue is valid; a broken file is refused with its line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qinglang.cli.main import cli


def test_shipped_catalogue_checks_ok():
    result = CliRunner().invoke(cli, ["catalogue", "check", "--json"])
    summary = json.loads(result.output)
    assert result.exit_code == 0 and summary["valid"] and summary["categories"] >= 7


def test_broken_catalogue_names_the_line_and_exits_1(tmp_path):
    broken = tmp_path / "catalogue.yaml"
    broken.write_text('version: "x"\nwarn_days: 30\nlicence_kinds: {}\nevery_category: []\naccount_categories:\n'
                      '  fiction:\n    name_zh: 小说\n    name_en: fiction\n    operators: [person]\n    requires: []\n',
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["catalogue", "check", str(broken)])
    assert result.exit_code == 1 and f"{broken}:9:" in result.output and "person" in result.output
