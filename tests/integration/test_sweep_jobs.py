"""Sweep jobs on SQLite and PostgreSQL: a queued sweep is run by a worker pass, once even with two workers at
once; a crashed worker's lease is taken over and its late result thrown away; a sweep that fails is marked
``failed`` with its error, audited, and kept."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from review_support import REVIEW, held_search, sessions_for
from sqlalchemy import func, select

from qinglang.config import ScreeningSettings, Settings
from qinglang.domain.sweeps import SeedKind, SweepStatus
from qinglang.pipeline import Screener
from qinglang.services import sweep_jobs, sweeps
from qinglang.services.audit.verify import verify_chain
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.screening import ScreeningService
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import Case
from qinglang.storage.tables.similarity import SweepItemRow
from qinglang.workers.review import ReviewWorker

PASSAGES = json.loads((Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json")
                      .read_text("utf-8"))["passages"]
SETTINGS = Settings(review=REVIEW)
CONTACT = sweeps.Seed(SeedKind.CONTACT, "wechat:qlteam88")


@pytest.fixture
def world(database_url):
    with sessions_for(database_url) as db:
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        for content_id, text in (("a", PASSAGES[0] + "加我薇信 qlteam88"), ("b", PASSAGES[1] + "私聊微信 qlteam88"),
                                 ("c", PASSAGES[2])):
            submit_content(db, screening, ContentSubmission(content_id=content_id, text=text), actor="platform")
        yield db


def _queue(db, seed: sweeps.Seed = CONTACT) -> sweeps.SweepView:
    with transaction(db) as s:
        return sweep_jobs.queue_sweep(s, seed, actor="user:lead")


def _show(db, sweep_id: int) -> sweeps.SweepView:
    with transaction(db) as s:
        return sweeps.get_sweep(s, sweep_id)


def _events(db, *actions: str) -> list[tuple[str, str]]:
    with transaction(db) as s:
        return s.execute(select(AuditEventRow.action, AuditEventRow.actor).where(AuditEventRow.action.in_(actions))
                         .order_by(AuditEventRow.id)).all()


def _sweep_cases(db) -> list[str]:
    with transaction(db) as s:
        return sorted(s.scalars(select(Case.target_id).where(Case.source == "sweep")))


def test_a_queued_sweep_is_run_by_the_worker_and_recorded_as_it_would_be_in_place(world):
    queued = _queue(world)
    assert (queued.status, queued.found, queued.items, queued.finished_at) == ("queued", 0, (), None)
    assert _sweep_cases(world) == []  # nothing is found or opened by queueing
    worker = ReviewWorker(world, REVIEW, sweep_settings=SETTINGS)
    assert worker.run_once()["sweeps_run"] == 1
    assert worker.run_once()["sweeps_run"] == 0  # done: never run again
    done = _show(world, queued.id)
    assert (done.status, done.found, done.opened, done.attempts) == ("completed", 2, 2, 1)
    assert [i.content_id for i in done.items] == ["a", "b"] and done.finished_at is not None
    assert done.items[0].reason == "shares contact wechat:qlteam88 with the contact 'wechat:qlteam88'"
    assert _sweep_cases(world) == ["a", "b"]
    assert _events(world, "sweep.queued", "sweep.completed") == [("sweep.queued", "user:lead"),
                                                                 ("sweep.completed", "user:lead")]
    with transaction(world) as s:
        assert verify_chain(s).ok


def test_a_case_seed_is_checked_before_it_is_queued(world):
    from qinglang.errors import NotFound

    with pytest.raises(NotFound) as err:
        _queue(world, sweeps.Seed(SeedKind.CASE, "4242"))
    assert err.value.code == "case_not_found"
    with transaction(world) as s:
        assert sweeps.list_sweeps(s) == []


def test_two_workers_at_once_run_a_queued_sweep_once(world):
    queued = [_queue(world), _queue(world, sweeps.Seed(SeedKind.TEXT, PASSAGES[2][:300]))]
    barrier = threading.Barrier(2)

    def run(name: str) -> list[int]:
        barrier.wait()
        return [sweep_jobs.run_queued(world, SETTINGS, worker=name) for _ in range(3)]

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(run, ["w1", "w2"]))
    assert sum(map(sum, done)) == 2
    assert [_show(world, q.id).status for q in queued] == ["completed", "completed"]
    assert [_show(world, q.id).attempts for q in queued] == [1, 1]
    with transaction(world) as s:
        per_sweep = s.execute(select(SweepItemRow.sweep_id, func.count()).group_by(SweepItemRow.sweep_id)
                              .order_by(SweepItemRow.sweep_id)).all()
        assert per_sweep == [(queued[0].id, 2), (queued[1].id, 1)]
        assert verify_chain(s).ok
    assert len(_events(world, "sweep.completed")) == 2
    assert _sweep_cases(world) == ["a", "b", "c"]


def test_a_crashed_workers_sweep_is_taken_over_after_its_lease_and_a_late_finish_is_undone(world):
    queued = _queue(world)
    stale = sweep_jobs.claim_next(world, worker="crashed", lease_seconds=60)
    assert stale is not None and _show(world, queued.id).status == "running"
    assert sweep_jobs.claim_next(world, worker="w2", lease_seconds=60) is None  # still leased
    later = utcnow() + timedelta(seconds=120)
    fresh = sweep_jobs.claim_next(world, worker="w2", lease_seconds=60, now=later)
    assert fresh is not None and fresh.lease.attempts == 2
    assert sweep_jobs.run_claimed(world, stale, sla_hours=REVIEW.sla_hours) is None  # lost: rolled back
    assert _show(world, queued.id).status == "running" and _sweep_cases(world) == []
    assert sweep_jobs.run_claimed(world, fresh, sla_hours=REVIEW.sla_hours) == SweepStatus.COMPLETED
    assert _show(world, queued.id).found == 2 and _sweep_cases(world) == ["a", "b"]
    assert len(_events(world, "sweep.completed")) == 1


def test_a_sweep_whose_workers_keep_dying_is_failed_not_run_forever(world):
    queued = _queue(world)
    now = utcnow()
    for attempt in range(3):
        assert sweep_jobs.claim_next(world, worker=f"w{attempt}", lease_seconds=60,
                                     now=now + timedelta(seconds=120 * attempt)) is not None
    assert sweep_jobs.claim_next(world, worker="w9", lease_seconds=60, now=now + timedelta(seconds=600)) is None
    gone = _show(world, queued.id)
    assert gone.status == "failed" and gone.error.startswith("sweep_abandoned: 3 workers")
    assert _events(world, "sweep.failed") == [("sweep.failed", "w9")]


@pytest.mark.parametrize(("raised", "error"), [
    (RuntimeError("disk on fire"), "internal_error: RuntimeError: disk on fire"),
    (None, "sweep_seed_not_confirmed: case #"),
])
def test_a_sweep_that_fails_is_marked_failed_with_its_error_and_kept(world, monkeypatch, raised, error):
    if raised is not None:
        queued = _queue(world)

        def explode(*_args, **_kwargs):
            raise raised

        monkeypatch.setattr(sweeps, "find", explode)
    else:  # a case seed that was confirmed when queued and reopened before the worker ran it
        queued = _queue_case_then_reopen(world)
    assert sweep_jobs.run_queued(world, SETTINGS, worker="w1") == 1
    failed = _show(world, queued.id)
    assert failed.status == "failed" and failed.error.startswith(error) and failed.items == ()
    assert failed.finished_at is not None and _sweep_cases(world) == []
    [(action, actor)] = _events(world, "sweep.failed")
    assert actor == "w1" and _events(world, "sweep.completed") == []
    assert sweep_jobs.run_queued(world, SETTINGS, worker="w1") == 0  # failed is final
    with transaction(world) as s:
        assert verify_chain(s).ok


def _queue_case_then_reopen(db) -> sweeps.SweepView:
    from review_support import make_user
    from sqlalchemy import update

    from qinglang.domain.review import CaseSource, TargetKind
    from qinglang.services.review import cases, decisions, queue

    lead = make_user(db, "lead", "lead")
    with transaction(db) as s:
        case = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, "a", CaseSource.VERDICT, "porn", 2),
                               sla_hours=REVIEW.sla_hours, actor="test")
        queue.claim_case(s, case.id, lead, lease_seconds=600)
        decisions.decide(s, case.id, lead, "take_down", "低俗", review=REVIEW)
    queued = _queue(db, sweeps.Seed(SeedKind.CASE, str(case.id)))
    with transaction(db) as s:
        s.execute(update(Case).where(Case.id == case.id).values(outcome=None))
    return queued


def test_a_long_sweep_runs_in_its_own_thread_and_the_other_duties_keep_going(world, monkeypatch):
    from qinglang.services.review import queue as review_queue
    from qinglang.workers import review as worker_module

    passes = []

    def counting_reap(session):
        passes.append(1)
        return 0

    release = held_search(monkeypatch)
    monkeypatch.setattr(review_queue, "reap_expired_leases", counting_reap)
    queued = _queue(world)
    review = REVIEW.model_copy(update={"worker_poll_seconds": 0.05})
    worker = worker_module.ReviewWorker(world, review, sweep_settings=SETTINGS).start()
    try:
        deadline = utcnow() + timedelta(seconds=20)
        while len(passes) < 5 and utcnow() < deadline:  # the duties' passes go on while the sweep waits
            threading.Event().wait(0.05)
        assert len(passes) >= 5 and _show(world, queued.id).status == "running"
        release.set()
        while _show(world, queued.id).status != "completed" and utcnow() < deadline:
            threading.Event().wait(0.05)
        assert _show(world, queued.id).status == "completed"
    finally:
        release.set()
        worker.stop()


def test_a_live_workers_lease_is_renewed_while_its_sweep_runs_so_no_one_takes_it_over(world, monkeypatch):
    release = held_search(monkeypatch)  # a search that takes longer than the lease
    queued = _queue(world)
    job = sweep_jobs.claim_next(world, worker="w1", lease_seconds=3)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(sweep_jobs.run_claimed, world, job, sla_hours=REVIEW.sla_hours)
        try:
            threading.Event().wait(7)  # more than two leases; renewed every second
            taken = sweep_jobs.claim_next(world, worker="w2", lease_seconds=3)
            assert taken is None, _show(world, queued.id)
        finally:
            release.set()
        assert running.result(30) == SweepStatus.COMPLETED
    done = _show(world, queued.id)
    assert done.attempts == 1 and done.found == 2
    assert len(_events(world, "sweep.completed")) == 1
