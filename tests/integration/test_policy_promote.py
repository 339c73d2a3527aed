"""``qinglang policy promote`` on SQLite and PostgreSQL: checked, written where the settings say, audited."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from importlib import resources

import pytest
from click.testing import CliRunner
from review_support import sessions_for
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from qinglang.cli.main import cli
from qinglang.config import ScreeningSettings
from qinglang.errors import InvalidInput, PolicyError
from qinglang.services import policies
from qinglang.services.audit.verify import verify_chain
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow

SHIPPED = resources.files("qinglang.policy").joinpath("default.yaml").read_text("utf-8")


def _candidate(tmp_path, version: str = "2026.12.1"):
    lines = SHIPPED.splitlines(keepends=True)
    text = "".join(f"version: \"{version}\"\n" if line.startswith("version:") else line for line in lines)
    path = tmp_path / f"candidate-{version}.yaml"
    path.write_text(text, "utf-8")
    return path


def _events(db) -> list[AuditEventRow]:
    with transaction(db) as s:
        rows = list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == "policy.promoted")
                              .order_by(AuditEventRow.seq)))
        assert verify_chain(s).ok
        s.expunge_all()
        return rows


def test_promoting_writes_the_live_file_and_audits_before_and_after(database_url, tmp_path):
    live = tmp_path / "live" / "policy.yaml"
    screening = ScreeningSettings(policy_path=live)
    candidate = _candidate(tmp_path)
    with sessions_for(database_url) as db:
        done = policies.promote_policy(db, screening, candidate, actor="cli:lead")
        assert done.written and live.read_bytes() == candidate.read_bytes()
        assert done.before.sha256 == hashlib.sha256(SHIPPED.encode()).hexdigest()  # no file yet: the shipped one
        assert (done.after.version, done.after.sha256) == ("2026.12.1",
                                                           hashlib.sha256(candidate.read_bytes()).hexdigest())
        second = policies.promote_policy(db, screening, _candidate(tmp_path, "2026.12.2"), actor="cli:lead")
        assert second.before == done.after  # the live file is now the first promotion
        events = _events(db)
    assert [e.data["after"]["version"] for e in events] == ["2026.12.1", "2026.12.2"]
    assert events[1].data["before"]["sha256"] == done.after.sha256 and events[1].actor == "cli:lead"
    assert events[0].subject_type == "policy" and events[0].data["written"] is True


def _failing_commits(monkeypatch):
    """Every transaction of ``promote_policy`` fails at its end, as a commit does when the connection drops."""
    real = policies.transaction

    @contextmanager
    def failing(factory):
        with real(factory) as session:
            yield session
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(policies, "transaction", failing)


@pytest.mark.parametrize("had_live_file", [True, False])
def test_a_promotion_whose_event_does_not_commit_leaves_the_live_file_as_it_was(database_url, tmp_path, monkeypatch,
                                                                                had_live_file):
    live = tmp_path / "live" / "policy.yaml"
    screening = ScreeningSettings(policy_path=live)
    with sessions_for(database_url) as db:
        if had_live_file:
            policies.promote_policy(db, screening, _candidate(tmp_path), actor="cli:lead")
        before = live.read_bytes() if had_live_file else None
        with monkeypatch.context() as m:
            _failing_commits(m)
            with pytest.raises(OperationalError):
                policies.promote_policy(db, screening, _candidate(tmp_path, "2026.12.2"), actor="cli:lead")
        assert (live.read_bytes() if live.exists() else None) == before
        assert [e.data["after"]["version"] for e in _events(db)] == (["2026.12.1"] if had_live_file else [])


def test_an_invalid_policy_is_refused_and_nothing_is_written_or_audited(database_url, tmp_path):
    live = tmp_path / "policy.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHIPPED.replace("verdict: block", "verdict: obliterate", 1), "utf-8")
    with sessions_for(database_url) as db:
        with pytest.raises(PolicyError) as exc:
            policies.promote_policy(db, ScreeningSettings(policy_path=live), bad, actor="cli:lead")
        assert exc.value.code == "policy_invalid" and exc.value.details["line"] > 0
        assert not live.exists() and _events(db) == []


def test_without_a_live_path_promotion_is_refused_unless_record_only(database_url, tmp_path):
    candidate = _candidate(tmp_path)
    with sessions_for(database_url) as db:
        with pytest.raises(InvalidInput) as exc:
            policies.promote_policy(db, ScreeningSettings(), candidate, actor="cli:lead")
        assert exc.value.code == "policy_path_unset"
        done = policies.promote_policy(db, ScreeningSettings(), candidate, actor="cli:lead", record_only=True)
        assert not done.written and [e.data["written"] for e in _events(db)] == [False]


def test_the_cli_promotes_and_reports_errors(database_url, tmp_path):
    live = tmp_path / "policy.yaml"
    env = {"QINGLANG_DATABASE__URL": database_url, "QINGLANG_SCREENING__POLICY_PATH": str(live)}
    out = CliRunner().invoke(cli, ["policy", "promote", str(_candidate(tmp_path)), "--json"], env=env,
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["after"]["version"] == "2026.12.1" and live.is_file()
    refused = CliRunner().invoke(cli, ["policy", "promote", str(_candidate(tmp_path))],
                                 env={"QINGLANG_DATABASE__URL": database_url})
    assert refused.exit_code == 1 and "policy_path_unset" in refused.output
