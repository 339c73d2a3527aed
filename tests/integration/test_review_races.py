"""The same request fired many times at once has one effect, on SQLite and PostgreSQL.

Each test starts its threads on a barrier so the requests really overlap: ten identical decides on one case
(a double click, two workers), ten seniors approving one severe action, ten reviewers deciding one appeal, the
same report thirty times, thirty readers reporting one new target, and sign-in failures interleaved with other
writes. Afterwards the effects are counted and the audit chain must verify.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from review_support import REVIEW, SECRET, file, make_user, seed_content, sessions_for
from sqlalchemy import func, select

from qinglang.errors import QinglangError
from qinglang.services.review import appeals, decisions, queue, reports, signin
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, AuditEventRow
from qinglang.storage.tables.review import Action, Appeal, Case, OutboxEvent, Report, Strike

LEASE = 600


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        seed_content(factory)
        yield factory


def at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released together; a refused request returns its error code."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except QinglangError as exc:
            return exc.code

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def count(db, table, *where) -> int:
    with transaction(db) as s:
        return s.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def chain_ok(db) -> bool:
    from qinglang.services.audit import verify_chain

    with transaction(db) as s:
        return verify_chain(s).ok


def test_ten_identical_decides_at_once_act_once(db, figures):
    report = file(db)
    alice = make_user(db, "alice", "reviewer")
    with transaction(db) as s:
        queue.claim_case(s, report.case_id, alice, lease_seconds=LEASE)

    def decide(_):
        with transaction(db) as s:
            return decisions.decide(s, report.case_id, alice, "restrict", "导流", review=REVIEW).status

    results = at_once(10, decide)
    kinds = sorted(k for (k,) in _rows(db, select(Action.kind)))
    figures(probe="10 identical decides at once", accepted=results.count("closed"), actions=len(kinds),
            expected_actions=2, webhooks=count(db, OutboxEvent), strikes=count(db, Strike), refused=sorted(set(
                r for r in results if r != "closed")))
    assert results.count("closed") == 1, results
    assert kinds == ["restrict", "take_down"]
    assert count(db, OutboxEvent) == 2 and count(db, Strike) == 2
    assert chain_ok(db)


def test_ten_seniors_approving_one_close_apply_it_once(db, figures):
    file(db)
    requester = make_user(db, "req", "senior")
    seniors = [make_user(db, f"s{n}", "senior") for n in range(10)]
    with transaction(db) as s:
        case = queue.claim_next(s, requester, lease_seconds=LEASE)
        approval_id = decisions.decide(s, case.id, requester, "close", "关闭", review=REVIEW).approval_id

    def approve(i):
        with transaction(db) as s:
            return decisions.settle_approval(s, approval_id, seniors[i], True, "同意", review=REVIEW).status

    results = at_once(10, approve)
    figures(probe="10 seniors approving one close at once", accepted=results.count("closed"),
            close_actions=count(db, Action, Action.kind == "close"), expected=1)
    assert results.count("closed") == 1, results
    assert count(db, Action, Action.kind == "close") == 1
    assert count(db, Strike) == 2  # the take-down and the close, once each
    assert chain_ok(db)


def test_ten_reviewers_deciding_one_appeal_revert_once(db, figures):
    file(db)
    decider = make_user(db, "decider", "reviewer")
    others = [make_user(db, f"r{n}", "reviewer") for n in range(10)]
    with transaction(db) as s:
        case = queue.claim_next(s, decider, lease_seconds=LEASE)
        action_id = decisions.decide(s, case.id, decider, "restrict", "导流", review=REVIEW).action_ids[-1]
    with transaction(db) as s:
        appeal_id = appeals.file_appeal(s, action_id, "acc-1", "误判").id

    def overturn(i):
        with transaction(db) as s:
            return appeals.decide_appeal(s, appeal_id, others[i], True, "撤销").status

    results = at_once(10, overturn)
    figures(probe="10 reviewers overturning one appeal at once", accepted=results.count("overturned"),
            reversals=count(db, Action, Action.kind == "revert"), expected=1)
    assert results.count("overturned") == 1, results
    assert count(db, Action, Action.kind == "revert") == 1
    assert count(db, OutboxEvent, OutboxEvent.event_type == "action.reverted") == 1
    assert chain_ok(db)


def test_ten_identical_appeals_at_once_file_one(db, figures):
    file(db)
    decider = make_user(db, "decider", "reviewer")
    with transaction(db) as s:
        case = queue.claim_next(s, decider, lease_seconds=LEASE)
        action_id = decisions.decide(s, case.id, decider, "restrict", "导流", review=REVIEW).action_ids[-1]

    def appeal(_):
        with transaction(db) as s:
            return appeals.file_appeal(s, action_id, "acc-1", "误判").id

    at_once(10, appeal)
    figures(probe="10 identical appeals at once", appeals=count(db, Appeal), expected=1)
    assert count(db, Appeal) == 1


def test_the_same_report_thirty_times_at_once_is_one_report_and_one_case(db, figures):
    def report(_):
        return file(db, target_id="new-target", ip="10.9.9.9").tracking_code

    codes = at_once(30, report)
    figures(probe="the same report 30 times at once", tracking_codes=len(set(codes)), reports=count(db, Report),
            cases=count(db, Case), expected=1)
    assert len(set(codes)) == 1, set(codes)
    assert count(db, Report) == 1 and count(db, Case) == 1


def test_thirty_readers_reporting_one_new_target_make_one_case_counting_thirty(db, figures):
    def report(i):
        return file(db, target_id="fresh-target", ip=f"10.1.{i}.1").case_id

    case_ids = at_once(30, report)
    with transaction(db) as s:
        case = s.get(Case, case_ids[0])
        figures(probe="30 readers reporting one new target at once", cases=len(set(case_ids)),
                report_count=case.report_count, reports=count(db, Report), expected_count=30)
    assert len(set(case_ids)) == 1, set(case_ids)
    with transaction(db) as s:
        case = s.get(Case, case_ids[0])
        assert (case.report_count, count(db, Report)) == (30, 30)
    assert chain_ok(db)


def _failed_sign_in(db, i: int) -> None:
    attempt = signin.Attempt("victim", "wrong-password", f"10.3.{i}.1")
    with transaction(db) as s:
        candidate = signin.begin(s, attempt, secret=SECRET)
    with transaction(db) as s:
        signin.finish(s, attempt, candidate, False, secret=SECRET, policy=signin.ThrottlePolicy())


def test_failed_sign_ins_interleaved_with_reports_keep_the_chain_whole(db, figures):
    """A failed sign-in's audit event is its transaction's only write: it must not fork the chain."""
    make_user(db, "victim", "reviewer")

    def work(i):
        if i % 2:
            return file(db, target_id=f"t-{i}", ip=f"10.2.{i}.1").id
        return _failed_sign_in(db, i)

    at_once(30, work)
    with transaction(db) as s:
        prevs = s.execute(select(func.count(AuditEventRow.prev_hash.distinct()), func.count())).one()
    figures(probe="15 failed sign-ins interleaved with 15 reports", events=prevs[1], distinct_back_links=prevs[0],
            forks=prevs[1] - prevs[0], chain_ok=chain_ok(db))
    assert chain_ok(db)


def _rows(db, stmt):
    with transaction(db) as s:
        return s.execute(stmt).all()


def test_strike_points_follow_the_ledger_after_a_reversal(db):
    file(db)
    decider, other = make_user(db, "decider", "reviewer"), make_user(db, "other", "reviewer")
    with transaction(db) as s:
        case = queue.claim_next(s, decider, lease_seconds=LEASE)
        action_id = decisions.decide(s, case.id, decider, "restrict", "导流", review=REVIEW).action_ids[-1]
    with transaction(db) as s:
        assert s.get(AccountRow, "acc-1").strikes == 2
        appeal_id = appeals.file_appeal(s, action_id, "acc-1", "误判").id
    with transaction(db) as s:
        appeals.decide_appeal(s, appeal_id, other, True, "撤销")
    with transaction(db) as s:
        ledger = s.execute(select(func.coalesce(func.sum(Strike.severity), 0)).where(
            Strike.account_id == "acc-1", Strike.active.is_(True))).scalar_one()
        assert s.get(AccountRow, "acc-1").strikes == ledger == 1  # the take-down's point stays


def test_reports_module_still_exposes_the_secret_keyed_hash():
    assert reports.keyed_hash(SECRET, "ip", "1.1.1.1") == reports.keyed_hash(SECRET, "ip", " 1.1.1.1 ")
