"""Qualification with storage, on SQLite and PostgreSQL: licences verified by compare-and-set, accounts restricted
once when a licence expires and lifted when a new one is verified, the grade recomputed with history and a webhook,
and races that must have one winner."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from review_support import REVIEW, file, make_user, sessions_for
from sqlalchemy import func, select

from qinglang.errors import QinglangError
from qinglang.qualification import Actor, ActorKind, Approve, LicenceFacts, StartReview, default_catalogue
from qinglang.services import accounts
from qinglang.services.qualification import credit, licences, standing
from qinglang.services.qualification.context import QualificationContext
from qinglang.services.review import decisions, queue
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, ContentVersionRow
from qinglang.storage.tables.qualification import CreditScoreRow, LicenceRow
from qinglang.storage.tables.review import Action, OutboxEvent

CTX = QualificationContext(default_catalogue(), b"k" * 32, warn_days=30)
NUMBER = "（署）网出证（京）字第123号"


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        with transaction(factory) as s:
            accounts.create_operator(s, {"id": "op-m", "name": "某报社", "kind": "media"}, actor="test", ctx=CTX)
        yield factory


def at_once(n, work):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return work(i)
        except QinglangError as exc:
            return exc.code

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def count(db, *where, table=OutboxEvent) -> int:
    with transaction(db) as s:
        return s.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def submit(db, until: date, now: datetime) -> int:
    facts = LicenceFacts("online_publishing", NUMBER, "国家新闻出版署", (), date(2025, 1, 1), until)
    with transaction(db) as s:
        return licences.submit_licence(s, "op-m", facts, None, Actor(ActorKind.OPERATOR, "op-m"), CTX, now=now,
                                       actor="test").id


def verify(db, licence_id: int, reviewer, now: datetime) -> None:
    by = Actor.of_reviewer(reviewer.reviewer)
    with transaction(db) as s:
        licences.advance(s, licence_id, StartReview(by, now), CTX, actor=reviewer.actor)
    with transaction(db) as s:
        licences.advance(s, licence_id, Approve(by, "证照与原件一致", now), CTX, actor=reviewer.actor)


def fiction_account(db) -> None:
    with transaction(db) as s:
        accounts.create_account(s, {"id": "acc-f", "name": "小说号", "operator_id": "op-m",
                                    "category": "serialized_fiction"}, actor="test", ctx=CTX)


def account(db) -> AccountRow:
    with transaction(db) as s:
        row = s.get(AccountRow, "acc-f")
        s.expunge(row)
        return row


def test_expiry_restricts_once_and_a_new_licence_lifts_it(db):
    now = datetime.now(UTC)
    alice = make_user(db, "alice", "reviewer")
    first = submit(db, (now + timedelta(days=60)).date(), now)
    verify(db, first, alice, now)
    fiction_account(db)
    assert (account(db).qualification_state, account(db).status) == ("qualified", "active")
    later = now + timedelta(days=62)
    results = at_once(4, lambda _: _worker_pass(db, later))
    assert sum(r[0] for r in results) == 1, results  # one worker recorded the expiry
    assert (account(db).qualification_state, account(db).status) == ("unqualified", "restricted")
    restrictions = count(db, OutboxEvent.event_type == "action.created")
    assert restrictions == 1 and count(db, Action.kind == "restrict", table=Action) == 1
    second = submit(db, (now + timedelta(days=400)).date(), later)
    verify(db, second, alice, later)
    assert (account(db).qualification_state, account(db).status) == ("qualified", "active")
    assert count(db, OutboxEvent.event_type == "action.reverted") == 1
    with transaction(db) as s:
        assert s.get(LicenceRow, first).status == "expired"


def _worker_pass(db, now):
    with transaction(db) as s:
        expired = licences.expire_due(s, CTX, now)
    with transaction(db) as s:
        assessed = standing.review_due(s, CTX, now)
    return expired, assessed


def test_a_warning_goes_out_once_before_expiry(db):
    now = datetime.now(UTC)
    alice = make_user(db, "alice", "reviewer")
    verify(db, submit(db, (now + timedelta(days=90)).date(), now), alice, now)
    fiction_account(db)
    soon = now + timedelta(days=75)
    for _ in range(3):
        _worker_pass(db, soon)
    assert account(db).qualification_state == "expiring"
    assert count(db, OutboxEvent.event_type == "account.qualification_warning") == 1
    assert account(db).status == "active"


def test_two_reviewers_starting_one_review_at_once_one_holds_it(db):
    now = datetime.now(UTC)
    licence_id = submit(db, (now + timedelta(days=300)).date(), now)
    reviewers = [make_user(db, f"r{i}", "reviewer") for i in range(6)]

    def start(i):
        with transaction(db) as s:
            by = Actor.of_reviewer(reviewers[i].reviewer)
            return licences.advance(s, licence_id, StartReview(by, now), CTX, actor=reviewers[i].actor).status

    results = at_once(6, start)
    assert results.count("under_review") == 1 and set(results) == {"under_review", "licence_claimed"}, results


def test_ten_identical_verifications_at_once_verify_once(db):
    now = datetime.now(UTC)
    alice = make_user(db, "alice", "reviewer")
    licence_id = submit(db, (now + timedelta(days=300)).date(), now)
    by = Actor.of_reviewer(alice.reviewer)
    with transaction(db) as s:
        licences.advance(s, licence_id, StartReview(by, now), CTX, actor=alice.actor)

    def approve(_):
        with transaction(db) as s:
            return licences.advance(s, licence_id, Approve(by, "核验通过", now), CTX, actor=alice.actor).status

    results = at_once(10, approve)
    assert results.count("verified") == 1 and set(results) == {"verified", "licence_status"}, results
    with transaction(db) as s:
        from qinglang.storage.tables.core import AuditEventRow

        assert s.execute(select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.action == "licence.verified")).scalar_one() == 1


def test_a_verified_violation_lowers_the_grade_with_an_explanation_and_a_webhook(db):
    with transaction(db) as s:
        accounts.create_account(s, {"id": "acc-1", "name": "号", "operator_id": "op-m", "followers": 5000},
                                actor="test", ctx=CTX)
        s.add(ContentVersionRow(content_id="art-1", version="1", account_id="acc-1", title="标题", body_text="正文",
                                content_hash="h"))
    before = account_grade(db)
    report = file(db)
    senior = make_user(db, "sen", "senior")
    with transaction(db) as s:
        queue.claim_case(s, report.case_id, senior, lease_seconds=600)
        decisions.decide(s, report.case_id, senior, "restrict", "色情导流", review=REVIEW)
    after = account_grade(db)
    assert before.grade == "B" and after.grade in ("C", "D") and after.score < before.score
    assert after.change[0]["code"] == "credit_grade_change" and after.trigger == "case.decided"
    codes = [r["code"] for r in after.change]
    assert "credit_violations_changed" in codes and "credit_strikes_changed" in codes
    assert "已核实违规 1 次" in next(r["zh"] for r in after.change if r["code"] == "credit_violations_changed")
    assert count(db, OutboxEvent.event_type == "account.grade_changed") == 1
    with transaction(db) as s:  # one decision, one history row: the recomputation runs once, at commit
        assert s.execute(select(func.count()).select_from(CreditScoreRow).where(
            CreditScoreRow.account_id == "acc-1")).scalar_one() == 2


def account_grade(db) -> CreditScoreRow:
    with transaction(db) as s:
        row = credit.latest(s, "acc-1")
        s.expunge(row)
        return row


def test_lifting_a_qualification_restriction_keeps_a_violations_restriction(db):
    now = datetime.now(UTC)
    alice = make_user(db, "alice", "reviewer")
    fiction_account(db)  # no licence yet: restricted for qualification
    assert account(db).status == "restricted"
    from qinglang.services.review import enforcement

    with transaction(db) as s:
        enforcement.apply_action(s, enforcement.NewAction("restrict", "account", "acc-f", "导流", account_id="acc-f"),
                                 actor="test")
    verify(db, submit(db, (now + timedelta(days=300)).date(), now), alice, now)
    assert (account(db).qualification_state, account(db).status) == ("qualified", "restricted")
