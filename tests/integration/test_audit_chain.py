"""The audit chain under concurrency and under attack, on SQLite and PostgreSQL.

Concurrency: transactions whose only write is an audit event (a failed sign-in, a logout, an export) append
through the chain head, so thirty of them at once still form one unforked chain.

Attacks, as someone with write access to the database but not to the checkpoint directory and its key would
make them: deleting the newest events (and fixing the head row to match), and rewriting an event and then
recomputing every later hash. Both verified "ok" before signed checkpoints; both must now fail.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from review_support import sessions_for
from sqlalchemy import delete, select, update

from qinglang.domain.audit import event_hash
from qinglang.services.audit import CheckpointStore, verify_chain, verify_recent, write_checkpoint
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import AuditChainHeadRow, AuditEventRow


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        yield factory


@pytest.fixture
def store(tmp_path):
    return CheckpointStore(tmp_path / "checkpoints", key="checkpoint-key-for-tests")


def _append(db, n: int, action: str = "test.event") -> None:
    for i in range(n):
        with transaction(db) as s:
            append_audit_event(s, "tester", action, "thing", i, {"i": i, "文": "值"})


def test_thirty_transactions_whose_only_write_is_an_audit_event_keep_one_chain(db):
    barrier = threading.Barrier(30)

    def only_audit(i):
        barrier.wait()
        with transaction(db) as s:
            s.execute(select(AuditEventRow.id).limit(1)).first()  # a read first, as a sign-in does
            append_audit_event(s, f"anonymous:{i}", "user.login_failed", "review_user", "victim")

    with ThreadPoolExecutor(30) as pool:
        list(pool.map(only_audit, range(30)))
    with transaction(db) as s:
        report = verify_chain(s)
        prevs = s.execute(select(AuditEventRow.prev_hash)).scalars().all()
    assert report.ok and report.checked == 30, report
    assert len(set(prevs)) == 30  # no two events point back to the same one: no fork


def test_a_rolled_back_transaction_leaves_no_event(db):
    with pytest.raises(RuntimeError), transaction(db) as s:
        append_audit_event(s, "tester", "test.event", "thing", 1)
        raise RuntimeError("the change failed")
    _append(db, 1)
    with transaction(db) as s:
        assert [e.seq for e in s.execute(select(AuditEventRow)).scalars()] == [1] and verify_chain(s).ok


def test_checkpoints_are_written_only_for_a_chain_that_verifies(db, store):
    _append(db, 5)
    report, written = write_checkpoint(db, store)
    assert report.ok and written.seq == 5
    assert write_checkpoint(db, store)[1] is None  # nothing new to sign
    _append(db, 3)
    assert write_checkpoint(db, store)[1].seq == 8
    lines = [json.loads(line) for line in store.path.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [5, 8] and all(len(line["mac"]) == 64 for line in lines)
    with transaction(db) as s:  # an event after the newest checkpoint is altered
        s.execute(update(AuditEventRow).where(AuditEventRow.seq == 8).values(actor="mallory"))
    _append(db, 1)
    report, written = write_checkpoint(db, store)
    assert not report.ok and written is None


def test_deleting_the_newest_events_is_detected_by_the_checkpoint(db, store):
    _append(db, 40)
    write_checkpoint(db, store)
    with transaction(db) as s:  # delete the newest 25 and make the head agree, as a careful attacker would
        s.execute(delete(AuditEventRow).where(AuditEventRow.seq > 15))
        last = s.execute(select(AuditEventRow).where(AuditEventRow.seq == 15)).scalar_one()
        s.execute(update(AuditChainHeadRow).values(seq=15, hash=last.hash))
    with transaction(db) as s:
        assert verify_chain(s).ok is True  # the chain alone cannot tell
        full, recent = verify_chain(s, store), verify_recent(s, store)
    assert not full.ok and "deleted" in full.problem
    assert not recent.ok and "missing" in recent.problem


def test_rewriting_an_event_and_recomputing_every_later_hash_is_detected(db, store):
    _append(db, 30)
    write_checkpoint(db, store)
    _append(db, 5)
    with transaction(db) as s:
        rows = s.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars().all()
        rows[9].actor = "mallory"  # event 10
        prev = rows[8].hash
        for row in rows[9:]:
            row.prev_hash = prev
            row.hash = prev = event_hash(prev, row.at, row.actor, row.action, row.subject_type, row.subject_id,
                                         row.data)
        s.execute(update(AuditChainHeadRow).values(hash=prev))
    with transaction(db) as s:
        assert verify_chain(s).ok is True  # the chain alone cannot tell
        full, recent = verify_chain(s, store), verify_recent(s, store)
    assert not full.ok and "rewritten" in full.problem and full.broken_at is not None
    assert not recent.ok and "differs" in recent.problem


def test_a_forged_checkpoint_line_is_refused(db, store):
    _append(db, 3)
    write_checkpoint(db, store)
    with store.path.open("a") as out:
        out.write(json.dumps({"seq": 3, "hash": "0" * 64, "at": "2026-01-01T00:00:00+00:00", "mac": "f" * 64}) + "\n")
    with transaction(db) as s:
        report = verify_chain(s, store)
    assert not report.ok and "bad signature" in report.problem


def test_recent_verification_starts_from_the_newest_checkpoint(db, store):
    _append(db, 50)
    write_checkpoint(db, store)
    _append(db, 4)
    with transaction(db) as s:
        report = verify_recent(s, store)
        capped = verify_recent(s, store, max_events=2)
    assert report.ok and (report.started_from.seq, report.checked, report.verified_to.seq) == (50, 4, 54)
    assert capped.ok and capped.verified_to.seq == 52
