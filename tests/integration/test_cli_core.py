"""The operational CLI: db, apikeys, lists, config and demo, against a real database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qinglang.cli.main import cli
from qinglang.demo_data import BENIGN_CONTENT_IDS


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        env = {"QINGLANG_DATABASE__URL": database_url, "QINGLANG_SECURITY__SECRET_KEY": "s3cret-value"}
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


def test_db_upgrade_is_repeatable_and_current_reports_the_head(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("db", "current")
    assert result.exit_code == 0
    assert result.output.strip() and "none" not in result.output


def test_apikeys_create_list_revoke(run):
    created = json.loads(run("apikeys", "create", "--name", "ci", "--scope", "screen", "--json").output)
    assert created["secret"].startswith("qlk_")
    listed = json.loads(run("apikeys", "list", "--json").output)
    assert [k["id"] for k in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert run("apikeys", "revoke", created["id"]).exit_code == 0
    assert json.loads(run("apikeys", "list", "--json").output)[0]["revoked_at"]


def test_unknown_scope_is_an_error_with_its_code(run):
    result = run("apikeys", "create", "--name", "ci", "--scope", "everything")
    assert result.exit_code == 1
    assert "invalid_scope" in result.output


def test_lists_add_show_remove_and_dry_run(run):
    dry = run("lists", "add", "domain", "WWW.Bad.example", "--dry-run")
    assert json.loads(dry.output)["would_add"]["kind"] == "domain"
    assert json.loads(run("lists", "show", "--json").output) == []
    added = json.loads(run("lists", "add", "domain", "bad.example", "--reason", "引流", "--json").output)[0]
    again = run("lists", "add", "domain", "bad.example")
    assert again.exit_code == 1 and "list_entry_exists" in again.output
    shown = json.loads(run("lists", "show", "--json").output)
    assert [e["value"] for e in shown] == ["bad.example"]
    assert run("lists", "remove", str(added["id"])).exit_code == 0
    assert json.loads(run("lists", "show", "--json").output) == []


def test_lists_export_then_import_round_trips(run, tmp_path):
    run("lists", "add", "contact", "vx123")
    run("lists", "add", "domain", "a.example", "--list", "allow")
    exported = run("lists", "export", "--format", "csv").output
    path = tmp_path / "entries.csv"
    path.write_text(exported, encoding="utf-8")
    report = json.loads(run("lists", "import", str(path)).output)
    assert (report["added"], report["skipped"]) == (0, 2)


def test_config_show_masks_secrets(run):
    output = run("config", "show", "--json").output
    assert "s3cret-value" not in output
    assert json.loads(output)["security"]["secret_key"] == "********"


def test_demo_loads_idempotently_and_prints_a_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "demo API key (all scopes): qlk_" in first.output
    assert "2 operators, 4 accounts, 3 list entries added" in first.output
    second = runner.invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert "0 operators, 0 accounts, 0 list entries added" in second.output
    assert (tmp_path / "qinglang.db").exists()
    keys = runner.invoke(cli, ["apikeys", "list", "--json"], env={"QINGLANG_DATABASE__URL": "sqlite:///qinglang.db"},
                         catch_exceptions=False)
    demo_keys = [k for k in json.loads(keys.output) if k["name"] == "demo"]
    assert len(demo_keys) == 2 and [k["revoked_at"] is None for k in demo_keys] == [False, True]
    assert "the earlier demo key is revoked" in second.output


def test_demo_creates_console_users_whose_printed_passwords_sign_in(tmp_path, monkeypatch):
    import re

    from qinglang.config import DatabaseSettings, load_settings
    from qinglang.services.review import signin
    from qinglang.services.runtime import Runtime
    from qinglang.storage.db import transaction

    monkeypatch.chdir(tmp_path)
    output = CliRunner().invoke(cli, ["demo", "--no-serve"], catch_exceptions=False).output
    password = re.search(r"console user demo-reviewer: (\S+)", output).group(1)
    runtime = Runtime.from_settings(load_settings(database=DatabaseSettings(url="sqlite:///qinglang.db")))
    with transaction(runtime.sessions) as session:
        candidate = signin.begin(session, signin.Attempt("demo-reviewer", password, "127.0.0.1"), secret="k")
    assert signin.check_password(candidate, password) and not signin.check_password(candidate, password + "x")


def test_demo_rerun_on_an_existing_database_prints_fresh_working_credentials(tmp_path, monkeypatch):
    """A second ``qinglang demo`` on the same qinglang.db succeeds and every printed password signs in, even for
    a demo user a lead disabled and demoted meanwhile; the first run's passwords no longer do."""
    import re

    from qinglang.config import DatabaseSettings, load_settings
    from qinglang.services.demo import DEMO_USERS
    from qinglang.services.review import signin, users
    from qinglang.services.runtime import Runtime
    from qinglang.storage.db import transaction

    monkeypatch.chdir(tmp_path)

    def demo() -> dict[str, str]:
        result = CliRunner().invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return dict(re.findall(r"console user (\S+): (\S+)", result.output))

    first = demo()
    runtime = Runtime.from_settings(load_settings(database=DatabaseSettings(url="sqlite:///qinglang.db")))
    with transaction(runtime.sessions) as session:
        users.set_active(session, "test", "demo-senior", False)
        users.change_role(session, "test", "demo-lead", "reviewer")
    second = demo()
    assert set(second) == {name for name, _role in DEMO_USERS} and set(first) == set(second)
    with transaction(runtime.sessions) as session:
        for name, role in DEMO_USERS:
            assert second[name] != first[name]
            candidate = signin.begin(session, signin.Attempt(name, second[name], "127.0.0.1"), secret="k")
            assert signin.check_password(candidate, second[name]), name
            assert not signin.check_password(candidate, first[name]), name
            user = users.get_user_by_name(session, name)
            assert user.active and user.role == role, name


def test_the_demo_queues_no_benign_article(tmp_path, monkeypatch):
    """Through `qinglang demo` itself (accounts, grades and lists loaded, as a newcomer sees it), not only the
    pipeline: the only content of the demo's benign set that a reviewer gets is the shop notice with its lone
    WeChat handle."""
    from sqlalchemy import select

    from qinglang.config import DatabaseSettings, load_settings
    from qinglang.services.runtime import Runtime
    from qinglang.storage.db import transaction
    from qinglang.storage.tables.review import Case

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    runtime = Runtime.from_settings(load_settings(database=DatabaseSettings(url="sqlite:///qinglang.db")))
    with transaction(runtime.sessions) as session:
        queued = set(session.scalars(select(Case.target_id).where(Case.target_kind == "content")))
    assert queued & BENIGN_CONTENT_IDS == set()
    assert "news-0003" in queued
