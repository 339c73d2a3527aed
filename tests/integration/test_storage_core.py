"""Core storage: the migration matches the tables, the audit chain links, lists honour expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from qinglang.domain.model import Category, Decision, DetectorOutcome, Verdict
from qinglang.services import accounts, apikeys, lists
from qinglang.services import screening as screening_module
from qinglang.services.screening import ScreeningService
from qinglang.storage import tables  # noqa: F401
from qinglang.storage.base import Base, utcnow
from qinglang.storage.db import make_session_factory, transaction
from qinglang.storage.sql_audit import append_audit_event, event_hash
from qinglang.storage.tables.core import ApiKeyRow, AuditEventRow


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


def test_migrated_schema_matches_the_table_definitions(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_audit_events_form_a_hash_chain(sessions):
    with transaction(sessions) as session:
        append_audit_event(session, actor="a", action="x.created", subject_type="x", subject_id="1", data={"k": "值"})
        append_audit_event(session, actor="b", action="x.removed", subject_type="x", subject_id="1")
    with transaction(sessions) as session:
        rows = session.execute(select(AuditEventRow).order_by(AuditEventRow.id)).scalars().all()
    assert rows[0].prev_hash == ""
    assert rows[1].prev_hash == rows[0].hash
    for row in rows:
        expected = event_hash(row.prev_hash, row.at, row.actor, row.action, row.subject_type, row.subject_id, row.data)
        assert row.hash == expected


def test_account_changes_are_audited_with_before_and_after(sessions):
    with transaction(sessions) as session:
        accounts.create_account(session, {"id": "acc", "name": "号"}, actor="t")
        accounts.update_account(session, "acc", {"status": "suspended"}, actor="t")
    with transaction(sessions) as session:
        event = session.execute(select(AuditEventRow).where(AuditEventRow.action == "account.updated")).scalar_one()
        assert event.data == {"before": {"status": "active"}, "after": {"status": "suspended"}}
        assert accounts.get_account(session, "acc")["status"] == "suspended"


def test_api_key_secret_is_stored_only_as_its_hash(sessions):
    with transaction(sessions) as session:
        key, secret = apikeys.create_api_key(session, "k", ["screen"], actor="t")
    with transaction(sessions) as session:
        row = session.get(ApiKeyRow, key.id)
        assert row.key_hash == apikeys.hash_secret(secret)
        assert secret not in repr(row.__dict__)
    assert apikeys.KeyAuthenticator(sessions).authenticate(secret).scopes == ("screen",)


def test_removed_entry_can_be_added_again(sessions):
    new = lists.NewListEntry("block", "domain", "a.example")
    with transaction(sessions) as session:
        first = lists.add_entry(session, new, actor="t")
        lists.remove_entry(session, first.id, actor="t")
        second = lists.add_entry(session, new, actor="t")
    assert second.id != first.id


class _RecordingScreener:
    def __init__(self):
        self.registers = []

    def screen(self, item, *, register=None):
        self.registers.append(register)
        decision = Decision(Verdict.PASS, Category.NONE, outcomes=(DetectorOutcome("x", "1", "ok"),))
        return type("Result", (), {"decision": decision, "shadow": None})()


def test_expired_entry_leaves_the_cached_snapshot_when_its_time_passes(sessions, monkeypatch):
    with transaction(sessions) as session:
        expires = utcnow() + timedelta(hours=1)
        lists.add_entry(session, lists.NewListEntry("block", "domain", "a.example", expires_at=expires), actor="t")
        lists.add_entry(session, lists.NewListEntry("block", "domain", "b.example"), actor="t")
    screener = _RecordingScreener()
    service = ScreeningService(
        screener, sessions, build_snapshot=lambda es: sorted(e.value for e in es), check_interval=3600
    )
    assert service.register() == ["a.example", "b.example"]
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(screening_module, "utcnow", lambda: later)
    monkeypatch.setattr(lists, "utcnow", lambda: later)
    assert service.register() == ["b.example"]


def test_register_change_in_another_process_is_seen_after_the_check_interval(sessions):
    service = ScreeningService(_RecordingScreener(), sessions, build_snapshot=lambda es: len(es), check_interval=0)
    assert service.register() == 0
    with transaction(sessions) as session:
        lists.add_entry(session, lists.NewListEntry("block", "contact", "vx1"), actor="t")
    assert service.register() == 1
