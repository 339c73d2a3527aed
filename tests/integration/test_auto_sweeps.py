"""Automatic sweeps on SQLite and PostgreSQL: a new block-list entry (a contact, a term, a passage) sweeps the
stored history in the worker, once per entry even with two workers at once; off by default; audited."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from review_support import REVIEW, held_search, sessions_for
from sqlalchemy import func, select, update

from qinglang.config import ScreeningSettings, Settings, SweepSettings
from qinglang.pipeline import Screener
from qinglang.services import auto_sweeps, lists
from qinglang.services.audit.verify import verify_chain
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow, ListEntryRow
from qinglang.storage.tables.review import Case
from qinglang.storage.tables.similarity import AutoSweepRow, SweepRow
from qinglang.workers.review import ReviewWorker

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]
ON = Settings(review=REVIEW, sweeps=SweepSettings(auto_from_list_entries=True))


@pytest.fixture
def world(database_url):
    with sessions_for(database_url) as db:
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        for content_id, text in (("a", PASSAGES[0] + "加我薇信 qlteam88"), ("b", PASSAGES[1] + "私聊微信 qlteam88"),
                                 ("c", PASSAGES[2] + "，青狼秘笈丁，"), ("d", PASSAGES[3])):
            submit_content(db, screening, ContentSubmission(content_id=content_id, text=text), actor="platform")
        yield db


def _add(db, kind: str, value: str, list_name: str = "block") -> int:
    with transaction(db) as s:
        return lists.add_entry(s, lists.NewListEntry(list_name, kind, value, "新增"), actor="user:lead").id


def _sweeps(db) -> list[tuple[int, str, str, int]]:
    with transaction(db) as s:
        return [(r.id, r.seed_kind, r.seed_value, r.found) for r in s.scalars(select(SweepRow).order_by(SweepRow.id))]


def _cases(db) -> list[str]:
    with transaction(db) as s:
        return sorted(s.scalars(select(Case.target_id).where(Case.source == "sweep")))


def test_off_by_default_nothing_is_swept(world):
    _add(world, "contact", "qlteam88")
    assert auto_sweeps.run_due(world, Settings(review=REVIEW), worker="w1") == 0
    assert _sweeps(world) == []


def test_a_new_contact_entry_sweeps_the_contents_sharing_it_once(world):
    entry = _add(world, "contact", "qlteam88")
    worker = ReviewWorker(world, REVIEW, sweep_settings=ON)
    assert worker.run_once()["auto_sweeps"] == 1
    assert worker.run_once()["auto_sweeps"] == 0  # done: never again for this entry
    [(sweep_id, kind, value, found)] = _sweeps(world)
    assert (kind, value, found) == ("contact", "qlteam88", 2) and _cases(world) == ["a", "b"]
    with transaction(world) as s:
        row = s.scalar(select(AutoSweepRow).where(AutoSweepRow.list_entry_id == entry))
        assert (row.status, row.sweep_id, row.attempts) == ("completed", sweep_id, 1)
        events = s.execute(select(AuditEventRow.action, AuditEventRow.actor).where(
            AuditEventRow.action.in_(("sweep.completed", "sweep.automatic")))).all()
        assert sorted(a for a, _ in events) == ["sweep.automatic", "sweep.completed"]
        assert ("sweep.completed", f"auto-sweep:list-entry-{entry}") in events
        assert verify_chain(s).ok


def test_a_new_term_and_a_passage_sweep_their_contents(world):
    _add(world, "term", "青狼秘笈丁")
    _add(world, "text_fingerprint", PASSAGES[3][:300])
    _add(world, "contact", "qlteam88", list_name="allow")  # an allow-list entry sweeps nothing
    assert auto_sweeps.run_due(world, ON, worker="w1") == 2
    found = {kind: found for _, kind, _, found in _sweeps(world)}
    assert found == {"term": 1, "text": 1} and _cases(world) == ["c", "d"]


def test_old_removed_and_other_kind_entries_are_not_swept(world):
    old = _add(world, "domain", "old.example")
    _add(world, "account", "acc-x")
    removed = _add(world, "url", "https://gone.example/x")
    with transaction(world) as s:
        s.execute(update(ListEntryRow).where(ListEntryRow.id == old).values(created_at=utcnow() - timedelta(days=3)))
        s.execute(update(ListEntryRow).where(ListEntryRow.id == removed).values(removed_at=utcnow()))
    assert auto_sweeps.run_due(world, ON, worker="w1") == 0


def test_two_workers_at_once_record_one_sweep_per_entry(world):
    entries = [_add(world, "contact", "qlteam88"), _add(world, "term", "青狼秘笈丁")]
    barrier = threading.Barrier(2)

    def run(name: str) -> int:
        barrier.wait()
        return auto_sweeps.run_due(world, ON, worker=name)

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(run, ["w1", "w2"]))
    assert sum(done) == 2
    with transaction(world) as s:
        per_entry = s.execute(select(AutoSweepRow.list_entry_id, func.count()).group_by(AutoSweepRow.list_entry_id)
                              .order_by(AutoSweepRow.list_entry_id)).all()
        assert per_entry == [(entries[0], 1), (entries[1], 1)]
        assert s.scalar(select(func.count()).select_from(SweepRow)) == 2
        assert verify_chain(s).ok
    assert _cases(world) == ["a", "b", "c"]


def test_a_crashed_workers_claim_is_taken_over_after_its_lease_and_a_late_finish_is_undone(world):
    entry = _add(world, "contact", "qlteam88")
    stale = auto_sweeps.claim(world, entry, worker="crashed", lease_seconds=60)
    assert auto_sweeps.claim(world, entry, worker="w2", lease_seconds=60) is None  # still leased
    later = utcnow() + timedelta(seconds=120)
    fresh = auto_sweeps.claim(world, entry, worker="w2", lease_seconds=60, now=later)
    assert fresh is not None and fresh.attempts == 2
    assert auto_sweeps.sweep_claimed(world, stale, sla_hours=REVIEW.sla_hours) is None  # lost: rolled back
    assert _sweeps(world) == [] and _cases(world) == []
    assert auto_sweeps.sweep_claimed(world, fresh, sla_hours=REVIEW.sla_hours) is not None
    assert len(_sweeps(world)) == 1 and _cases(world) == ["a", "b"]


def test_a_live_workers_claim_is_renewed_while_its_sweep_runs_so_no_one_takes_it_over(world, monkeypatch):
    release = held_search(monkeypatch)  # a search that takes longer than the lease
    entry = _add(world, "contact", "qlteam88")
    claim = auto_sweeps.claim(world, entry, worker="w1", lease_seconds=3)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(auto_sweeps.sweep_claimed, world, claim, sla_hours=REVIEW.sla_hours)
        try:
            threading.Event().wait(7)  # more than two leases; renewed every second
            assert auto_sweeps.claim(world, entry, worker="w2", lease_seconds=3) is None
        finally:
            release.set()
        assert running.result(30) is not None
    assert len(_sweeps(world)) == 1 and _cases(world) == ["a", "b"]
