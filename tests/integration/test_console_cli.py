"""``qinglang users reset-password|disable|enable|set-role``, ``qinglang audit export`` with filters and
``qinglang certification list|history|refresh-practice`` on a real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from click.testing import CliRunner

from qinglang.cli.main import cli


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"QINGLANG_DATABASE__URL": url}, catch_exceptions=False)


def test_user_management_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _run(url, "db", "upgrade")
    _run(url, "users", "create", "lin", "--role", "reviewer", "--password", "long-enough-pw")
    assert "lin: senior, active" in _run(url, "users", "set-role", "lin", "senior").output
    assert "lin: senior, disabled" in _run(url, "users", "disable", "lin").output
    assert "disabled" in _run(url, "users", "list").output
    assert "lin: senior, active" in _run(url, "users", "enable", "lin").output
    reset = _run(url, "users", "reset-password", "lin", "--password", "a-new-long-pw")
    assert reset.exit_code == 0
    assert "password_too_short" in _run(url, "users", "reset-password", "lin", "--password", "short").output
    missing = _run(url, "users", "disable", "nobody")
    assert missing.exit_code != 0 and "user_not_found" in missing.output
    bad_name = _run(url, "users", "create", "a b", "--role", "reviewer", "--password", "long-enough-pw")
    assert "username_invalid" in bad_name.output
    kinds = [json.loads(x)["action"] for x in _run(url, "audit", "export", "--kind", "user.").output.splitlines()]
    assert kinds == ["user.created", "user.role_changed", "user.disabled", "user.enabled", "user.password_reset"]


def test_audit_export_filters_as_csv(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _run(url, "db", "upgrade")
    for name in ("ann", "bob"):
        _run(url, "users", "create", name, "--role", "reviewer", "--password", "long-enough-pw")
    _run(url, "users", "disable", "bob")
    today = datetime.now(UTC).date().isoformat()
    text = _run(url, "audit", "export", "--kind", "user.created", "--from", today, "--to", today, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text.output)))
    assert [json.loads(r["data"])["username"] for r in rows] == ["ann", "bob"]
    assert _run(url, "audit", "export", "--from", "2001-01-01", "--to", "2001-01-02").output == ""


def test_certification_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _run(url, "db", "upgrade")
    _run(url, "users", "create", "lin", "--role", "reviewer", "--password", "long-enough-pw")
    assert "0 case(s) added" in _run(url, "certification", "refresh-practice").output
    assert _run(url, "certification", "list").output == ""
    assert _run(url, "certification", "history", "lin").exit_code == 0
    assert "user_not_found" in _run(url, "certification", "history", "nobody").output
