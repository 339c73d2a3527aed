"""``qinglang users``, ``qinglang worker run --once`` and ``qinglang audit verify|export`` on a real database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qinglang.cli.main import cli


def _run(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"QINGLANG_DATABASE__URL": url}, catch_exceptions=False)


def test_users_are_created_listed_and_audited(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _run(url, "db", "upgrade").exit_code == 0
    created = _run(url, "users", "create", "lin", "--role", "senior", "--password", "long-enough-pw")
    assert created.exit_code == 0 and "lin (senior)" in created.output
    assert json.loads(_run(url, "users", "list", "--json").output.splitlines()[0])["role"] == "senior"
    short = _run(url, "users", "create", "wu", "--role", "reviewer", "--password", "short")
    assert short.exit_code != 0 and "password_too_short" in short.output
    verified = json.loads(_run(url, "audit", "verify", "--json").output)
    assert (verified["ok"], verified["checked"], verified["broken_at"]) == (True, 1, None)
    exported = [json.loads(line) for line in _run(url, "audit", "export").output.splitlines()]
    assert [e["action"] for e in exported] == ["user.created"]


def test_worker_once_reports_what_it_did(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _run(url, "db", "upgrade")
    assert json.loads(_run(url, "worker", "run", "--once").output) == {
        "delivered": 0, "expired": 0, "reaped": 0, "checkpointed": 0, "purged": 0, "escalated": 0, "recounted": 2,
        "licences_expired": 0, "accounts_assessed": 0, "originality_measured": 0, "sweeps_run": 0, "auto_sweeps": 0}


def test_audit_checkpoint_then_verify_catches_deleted_events(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _run(url, "db", "upgrade")
    for name in ("lin", "wu", "xu"):
        _run(url, "users", "create", name, "--role", "reviewer", "--password", "long-enough-pw")
    written = json.loads(_run(url, "audit", "checkpoint", "--json").output)
    assert written["ok"] and written["written"]["seq"] == 3
    assert (tmp_path / "cli-data" / "audit-checkpoints" / "checkpoints.jsonl").exists()
    assert _run(url, "audit", "verify").exit_code == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_events WHERE seq = 3"))
        connection.execute(sa.text("UPDATE audit_chain_head SET seq = 2, hash = (SELECT hash FROM audit_events "
                                   "WHERE seq = 2)"))
    engine.dispose()
    broken = _run(url, "audit", "verify", "--json")
    assert broken.exit_code == 1 and "deleted" in json.loads(broken.output)["problem"]
