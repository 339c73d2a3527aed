"""Training and certification on both databases: the practice set, the claim gate, the higher bar for severe
approvals, recertification from live calibration answers, the history, the audit trail, and racing answers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from review_support import REVIEW, file, make_user, seed_content, sessions_for
from sqlalchemy import func, select

from qinglang.config import CertificationSettings
from qinglang.domain.certification import Level
from qinglang.errors import Forbidden, NotFound
from qinglang.services.certification import certificates, practice
from qinglang.services.review import appeals, calibration, decisions, queue
from qinglang.storage.db import transaction
from qinglang.storage.tables.certification import CertificationEvent, PracticeAnswer
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import Action

ON = CertificationSettings(required=True, practice_cases=3, agreement=0.66, severe_cases=5, severe_agreement=0.8,
                           recertify_window=3, recertify_agreement=0.6)
RULE = certificates.rule_from(ON)


def _calibration_closed(db, lead, n: int, queue_name: str = "porn", answer: str = "take_down") -> list[int]:
    """Seed ``n`` calibration cases and let the lead answer them live, so they may enter the practice set."""
    ids = []
    for i in range(n):
        with transaction(db) as s:
            case = calibration.seed_known_answer(s, lead, target_kind="content", target_id=f"cal-{queue_name}-{i}",
                                                 queue=queue_name, known_answer=answer, title="福利",
                                                 body=f"第{i}篇 加我薇信 看全集", review=REVIEW)
            ids.append(case.id)
        with transaction(db) as s:
            queue.claim_case(s, case.id, lead, lease_seconds=600)
            decisions.decide(s, case.id, lead, answer, "known answer", review=REVIEW)
    return ids


def _practise(db, user, category: str, choices: list[str]) -> list[practice.PracticeResult]:
    out = []
    for choice in choices:
        with transaction(db) as s:
            case = practice.next_case(s, user, category)
            assert case is not None, "the practice set ran out"
            out.append(practice.answer(s, user, case.id, choice, RULE))
    return out


def test_the_practice_set_takes_answered_calibration_and_confirmed_cases_only(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        _calibration_closed(db, lead, 2)
        with transaction(db) as s:  # still live: nobody may practise on it before it is taken
            calibration.seed_known_answer(s, lead, target_kind="content", target_id="cal-open", queue="porn",
                                          known_answer="pass", title="t", body="b", review=REVIEW)
        seed_content(db, "art-1")
        seed_content(db, "art-2", account_id="acc-2")
        confirmed, overturned = file(db, "art-1"), file(db, "art-2", ip="10.9.9.9")
        for report in (confirmed, overturned):
            with transaction(db) as s:
                queue.claim_case(s, report.case_id, rev, lease_seconds=600)
                decisions.decide(s, report.case_id, rev, "take_down", "导流到微信", review=REVIEW)
        with transaction(db) as s:
            action = s.execute(select(Action).where(Action.case_id == overturned.case_id)).scalars().first()
            appeal = appeals.file_appeal(s, action.id, "acc-2", "误判")
        with transaction(db) as s:
            appeals.decide_appeal(s, appeal.id, lead, True, "overturned on appeal")
        with transaction(db) as s:
            added = practice.refresh_pool(s, "test")
        with transaction(db) as s:
            again = practice.refresh_pool(s, "test")
            counts = practice.pool_counts(s)
            first = practice.next_case(s, rev, "porn")
    assert (added, again) == (3, 0)
    assert counts == {"porn": 3}
    assert first.source == "calibration" and first.right_answer == "take_down" and "薇信" in first.body


def test_uncertified_reviewer_cannot_claim_then_passes_practice_and_can(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        _calibration_closed(db, lead, 4)
        seed_content(db, "art-1")
        live = file(db, "art-1")
        with transaction(db) as s:
            practice.refresh_pool(s, "test")
        with transaction(db) as s, pytest.raises(Forbidden) as refused:
            queue.claim_case(s, live.case_id, rev, lease_seconds=600, certification=ON)
        with transaction(db) as s:
            assert queue.claim_next(s, rev, lease_seconds=600, certification=ON) is None
        results = _practise(db, rev, "porn", ["pass", "take_down", "take_down"])
        assert [r.agrees for r in results] == [False, True, True]
        assert results[-1].after is Level.CERTIFIED and results[-1].case.right_answer == "take_down"
        with transaction(db) as s:
            claimed = queue.claim_next(s, rev, lease_seconds=600, certification=ON)
            history = certificates.history(s, rev.id)
            audited = s.execute(select(AuditEventRow.action).where(AuditEventRow.action.like("certification.%"))
                                ).scalars().all()
    assert refused.value.code == "certification_required"
    assert claimed is not None and claimed.id == live.case_id
    assert [(h.from_level, h.to_level, h.reason, h.cases, h.agreed) for h in history] == [
        ("uncertified", "certified", "practice", 3, 2)]
    assert audited == ["certification.certified"]


def test_severe_approvals_need_the_higher_bar(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        sen = make_user(db, "sen", "senior")
        _calibration_closed(db, lead, 6)
        seed_content(db, "art-1")
        report = file(db, "art-1")
        with transaction(db) as s:
            practice.refresh_pool(s, "test")
        _practise(db, rev, "porn", ["take_down"] * 3)
        _practise(db, sen, "porn", ["take_down"] * 3)
        with transaction(db) as s:
            queue.claim_case(s, report.case_id, rev, lease_seconds=600, certification=ON)
            outcome = decisions.decide(s, report.case_id, rev, "close", "close the account", review=REVIEW,
                                       certification=ON)
        with transaction(db) as s, pytest.raises(Forbidden) as refused:
            decisions.settle_approval(s, outcome.approval_id, sen, True, "agree", review=REVIEW, certification=ON)
        _practise(db, sen, "porn", ["take_down"] * 2)  # 5 of 5: the higher bar
        with transaction(db) as s:
            assert certificates.level_of(s, sen.id, "porn") is Level.SEVERE
            decisions.settle_approval(s, outcome.approval_id, sen, True, "agree", review=REVIEW, certification=ON)
    assert refused.value.code == "certification_severe_required"


def test_dropping_live_calibration_agreement_withdraws_the_certificate(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        _calibration_closed(db, lead, 3)
        with transaction(db) as s:
            practice.refresh_pool(s, "test")
        _practise(db, rev, "porn", ["take_down"] * 3)
        for i, answer in enumerate(["pass", "take_down", "pass"]):  # 1 of 3 live calibration answers agree
            with transaction(db) as s:
                case = calibration.seed_known_answer(s, lead, target_kind="content", target_id=f"live-{i}",
                                                     queue="porn", known_answer="take_down", title="t", body="b",
                                                     review=REVIEW)
            with transaction(db) as s:
                queue.claim_case(s, case.id, rev, lease_seconds=600, certification=ON)
                decisions.decide(s, case.id, rev, answer, "my answer", review=REVIEW, certification=ON)
        with transaction(db) as s:
            level = certificates.level_of(s, rev.id, "porn")
            cert = certificates.certificate(s, rev.id, "porn")
            nothing_left = practice.next_case(s, rev, "porn")
            history = certificates.history(s, rev.id)
    assert level is Level.LAPSED and cert.round == 2
    assert nothing_left is not None  # a new round: the same practice cases may be worked again
    assert [(h.to_level, h.reason, h.cases, h.agreed) for h in history][0] == ("lapsed", "live_calibration", 3, 1)


def test_racing_submits_of_one_practice_answer_count_once(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        _calibration_closed(db, lead, 3)
        with transaction(db) as s:
            practice.refresh_pool(s, "test")
        _practise(db, rev, "porn", ["take_down"] * 2)
        with transaction(db) as s:
            last = practice.next_case(s, rev, "porn")
        barrier = threading.Barrier(8)

        def submit(_):
            barrier.wait()
            with transaction(db) as s:
                return practice.answer(s, rev, last.id, "take_down", RULE).answer_id

        with ThreadPoolExecutor(8) as pool:
            ids = set(pool.map(submit, range(8)))
        with transaction(db) as s:
            answers = s.execute(select(func.count()).select_from(PracticeAnswer)).scalar()
            events = s.execute(select(func.count()).select_from(CertificationEvent)).scalar()
            level = certificates.level_of(s, rev.id, "porn")
    assert len(ids) == 1 and answers == 3 and events == 1 and level is Level.CERTIFIED


def test_leads_are_not_gated_and_a_lead_may_withdraw_by_hand(database_url):
    with sessions_for(database_url) as db:
        lead = make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        _calibration_closed(db, lead, 3)  # the lead claimed with no certificate (not passed ON: see below)
        seed_content(db, "art-1")
        live = file(db, "art-1")
        with transaction(db) as s:
            queue.claim_case(s, live.case_id, lead, lease_seconds=600, certification=ON)
            practice.refresh_pool(s, "test")
        _practise(db, rev, "porn", ["take_down"] * 3)
        with transaction(db) as s:
            certificates.revoke(s, lead, rev.id, "porn")
        with transaction(db) as s, pytest.raises(Forbidden):
            certificates.revoke(s, rev, rev.id, "porn")
        with transaction(db) as s, pytest.raises(NotFound):
            practice.answer(s, rev, 10_000, "pass", RULE)
        with transaction(db) as s:
            assert certificates.level_of(s, rev.id, "porn") is Level.LAPSED
