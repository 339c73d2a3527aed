"""Reports, cases, claims, decisions, approvals, appeals, rewards and the audit chain on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from review_support import REVIEW, file, make_user, seed_content, sessions_for
from sqlalchemy import select, update

from qinglang.domain.model import Category, Decision, DetectorOutcome, Verdict
from qinglang.errors import Conflict, Forbidden, InvalidInput, RateLimited
from qinglang.services.audit import verify_chain
from qinglang.services.review import (
    appeals,
    calibration,
    case_store,
    cases,
    decisions,
    enforcement,
    queries,
    queue,
    reports,
    rewards,
)
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, AuditEventRow, DecisionRow
from qinglang.storage.tables.review import Action, Case, OutboxEvent, Report

LEASE = 600


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        seed_content(factory)
        yield factory


def _claim_and_decide(db, user, choice, case_id=None):
    with transaction(db) as s:
        case = queue.claim_next(s, user, lease_seconds=LEASE) if case_id is None else queue.claim_case(
            s, case_id, user, lease_seconds=LEASE)
        return decisions.decide(s, case.id, user, choice, "违规内容", review=REVIEW)


def test_reports_on_one_target_merge_into_one_case_and_raise_priority(db):
    first = file(db, ip="1.1.1.1")
    with transaction(db) as s:
        before = case_store.get_case(s, first.case_id).priority
    second = file(db, ip="2.2.2.2")
    with transaction(db) as s:
        case = case_store.get_case(s, second.case_id)
        assert second.case_id == first.case_id and case.report_count == 2 and case.priority > before
        assert reports.report_status(s, first.tracking_code).progress == "queued"


def test_same_reader_reporting_twice_gets_the_first_tracking_code(db):
    assert file(db, ip="1.1.1.1").tracking_code == file(db, ip="1.1.1.1").tracking_code


def test_report_rate_limit_per_ip_says_when_to_retry(db):
    for n in range(REVIEW.report_limit_per_ip_hour):
        file(db, target_id=f"t-{n}", ip="9.9.9.9")
    with pytest.raises(RateLimited) as err:
        file(db, target_id="one-more", ip="9.9.9.9")
    assert err.value.code == "report_rate_limited" and "hour" in err.value.message


def test_unknown_reason_is_refused_with_the_valid_choices(db):
    with pytest.raises(InvalidInput) as err:
        file(db, reason="boring")
    assert "porn" in err.value.message


def test_expired_claim_returns_to_the_queue(db):
    file(db)
    alice, bob = make_user(db, "alice", "reviewer"), make_user(db, "bob", "reviewer")
    with transaction(db) as s:
        case = queue.claim_next(s, alice, lease_seconds=LEASE)
        assert queue.claim_next(s, bob, lease_seconds=LEASE) is None
    with transaction(db) as s:
        s.execute(update(Case).values(lease_expires_at=utcnow().replace(year=2000)))
    with transaction(db) as s:
        assert queue.claim_next(s, bob, lease_seconds=LEASE).id == case.id
        with pytest.raises(Conflict):
            queue.claim_case(s, case.id, alice, lease_seconds=LEASE)


def test_decision_without_claim_or_reason_is_refused(db):
    report = file(db)
    alice = make_user(db, "alice", "reviewer")
    with transaction(db) as s, pytest.raises(Conflict):
        decisions.decide(s, report.case_id, alice, "take_down", "违规", review=REVIEW)
    with transaction(db) as s:
        queue.claim_case(s, report.case_id, alice, lease_seconds=LEASE)
    with transaction(db) as s, pytest.raises(InvalidInput):
        decisions.decide(s, report.case_id, alice, "take_down", " ", review=REVIEW)


def test_take_down_writes_action_and_outbox_row_together_and_credits_reporter(db):
    report = file(db, contact="reader@example.com")
    alice = make_user(db, "alice", "reviewer")
    outcome = _claim_and_decide(db, alice, "take_down")
    with transaction(db) as s:
        action = s.get(Action, outcome.action_ids[0])
        events = s.execute(select(OutboxEvent).where(OutboxEvent.action_id == action.id)).scalars().all()
        assert (action.kind, action.decided_by, len(events)) == ("take_down", alice.id, 1)
        assert reports.report_status(s, report.tracking_code).outcome == "action_taken"
        assert rewards.find_reward_for_report(s, report.id).amount_cents == 500


def test_closing_an_account_needs_a_different_senior(db):
    file(db)
    alice, sam, sue = make_user(db, "alice", "senior"), make_user(db, "sam", "senior"), make_user(db, "sue", "senior")
    outcome = _claim_and_decide(db, alice, "close")
    assert outcome.status == "pending_approval" and len(outcome.action_ids) == 1  # the take-down is immediate
    with transaction(db) as s, pytest.raises(Forbidden):
        decisions.settle_approval(s, outcome.approval_id, alice, True, "同意", review=REVIEW)
    with transaction(db) as s:
        done = decisions.settle_approval(s, outcome.approval_id, sam, True, "同意", review=REVIEW)
    with transaction(db) as s:
        assert s.get(AccountRow, "acc-1").status == "closed" and s.get(Action, done.action_ids[0]).approved_by == sam.id
        with pytest.raises(Conflict):
            decisions.settle_approval(s, outcome.approval_id, sue, True, "同意", review=REVIEW)


def test_disagreement_on_a_severe_action_escalates_to_a_lead(db):
    file(db)
    alice, sam, lee = make_user(db, "alice", "senior"), make_user(db, "sam", "senior"), make_user(db, "lee", "lead")
    outcome = _claim_and_decide(db, alice, "close")
    with transaction(db) as s:
        decisions.settle_approval(s, outcome.approval_id, sam, False, "证据不足", review=REVIEW)
    with transaction(db) as s:
        assert queue.claim_next(s, sam, lease_seconds=LEASE) is None  # lead tier only
        assert queue.claim_next(s, lee, lease_seconds=LEASE).id == outcome.case_id


def test_pass_rejects_reports_and_lowers_reporter_weight(db):
    first = file(db, ip="5.5.5.5")
    alice = make_user(db, "alice", "reviewer")
    _claim_and_decide(db, alice, "pass")
    with transaction(db) as s:
        assert s.get(Report, first.id).status == "rejected"
    second = file(db, target_id="art-2", ip="5.5.5.5")
    with transaction(db) as s:
        assert case_store.get_case(s, second.case_id).reporter_weight < 1.0


def test_appeal_goes_to_another_reviewer_and_overturn_reverts_via_outbox(db):
    file(db)
    alice, bob = make_user(db, "alice", "reviewer"), make_user(db, "bob", "reviewer")
    action_id = _claim_and_decide(db, alice, "restrict").action_ids[-1]
    with transaction(db) as s:
        appeal = appeals.file_appeal(s, action_id, "acc-1", "误判")
    with transaction(db) as s, pytest.raises(Forbidden):
        appeals.decide_appeal(s, appeal.id, alice, True, "撤销")
    with transaction(db) as s:
        appeals.decide_appeal(s, appeal.id, bob, True, "撤销")
    with transaction(db) as s:
        assert s.get(AccountRow, "acc-1").status == "active"
        types = s.execute(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).scalars().all()
        assert types[-1] == "action.reverted"


def test_suspension_expires_and_reverts(db):
    with transaction(db) as s:
        action = enforcement.apply_action(s, enforcement.NewAction("suspend", "account", "acc-1", "r",
                                                                   params={"days": 1}), actor="t")
        action.expires_at = utcnow().replace(year=2000)
    with transaction(db) as s:
        assert enforcement.expire_due(s) == 1
        assert s.get(AccountRow, "acc-1").status == "active"


def test_a_blacklist_entry_put_there_by_an_action_comes_off_only_with_the_action(db):
    from qinglang.services import lists

    with transaction(db) as s:
        action = enforcement.apply_action(s, enforcement.NewAction("blacklist", "account", "acc-1", "r"), actor="t")
        entry_id = action.params["list_entry_id"]
    with transaction(db) as s, pytest.raises(Conflict) as refused:
        lists.remove_entry(s, entry_id, actor="lists-admin")
    assert (refused.value.code, refused.value.details) == ("list_entry_held_by_action", {"action_id": action.id})
    with transaction(db) as s:
        assert lists.get_entry(s, entry_id).removed_at is None
        enforcement.revert_action(s, s.get(Action, action.id), actor="lead", reason="appeal upheld")
    with transaction(db) as s:
        assert lists.get_entry(s, entry_id).removed_at is not None
        assert lists.remove_entry(s, entry_id, actor="lists-admin").removed_at is not None  # a no-op now


def test_own_account_and_flood_reports_earn_no_reward(db):
    own = file(db, contact="owner", reporter_account_id="acc-1", ip="1.0.0.1")
    flood_a = file(db, contact="sock-a", ip="6.6.6.6")
    flood_b = file(db, contact="sock-b", ip="6.6.6.6", target_id="art-9")
    file(db, contact="sock-c", ip="6.6.6.6", target_id="art-8")
    honest = file(db, contact="honest", ip="7.7.7.7")
    alice = make_user(db, "alice", "reviewer")
    _claim_and_decide(db, alice, "take_down")
    with transaction(db) as s:
        paid = {r.report_id for r in queries.list_rewards(s)}
    assert honest.id in paid and not paid & {own.id, flood_a.id, flood_b.id}


def test_audit_chain_verifies_and_reports_first_altered_row(db):
    file(db)
    alice = make_user(db, "alice", "reviewer")
    _claim_and_decide(db, alice, "take_down")
    with transaction(db) as s:
        assert verify_chain(s).ok
        target = s.execute(select(AuditEventRow).where(AuditEventRow.action == "case.decided")).scalar_one()
        target.actor = "reviewer:mallory"
    with transaction(db) as s:
        result = verify_chain(s)
    assert not result.ok and result.broken_at == target.id


def test_reviewer_decision_becomes_the_current_decision_of_the_content(db):
    file(db)
    alice = make_user(db, "alice", "reviewer")
    _claim_and_decide(db, alice, "take_down")
    with transaction(db) as s:
        current = s.execute(select(DecisionRow).where(DecisionRow.is_current.is_(True))).scalars().all()
    assert [(d.verdict, d.decided_by) for d in current] == [("block", "reviewer:alice")]


def _decision(verdict: Verdict, category: Category) -> Decision:
    return Decision(verdict, category, outcomes=(DetectorOutcome("lexicon", "1", "ok"),))


def test_review_verdict_opens_a_case_and_other_verdicts_do_not(db):
    with transaction(db) as s:
        passed = _decision(Verdict.PASS, Category.NONE)
        assert cases.open_for_decision(s, "art-1", passed, sla_hours={}, actor="policy") is None
        case = cases.open_for_decision(s, "art-1", _decision(Verdict.REVIEW, Category.PORN), sla_hours={},
                                       actor="policy")
        assert (case.source, case.queue, case.account_id) == ("verdict", "porn", "acc-1")


def test_strikes_past_the_threshold_suspend_the_account_automatically(db):
    for n in range(3):
        with transaction(db) as s:
            enforcement.apply_action(s, enforcement.NewAction("take_down", "content", f"art-{n}", "r",
                                                              account_id="acc-1"), actor="t", review=REVIEW)
    with transaction(db) as s:
        assert s.get(AccountRow, "acc-1").status == "suspended"
        kinds = s.execute(select(Action.kind).order_by(Action.id)).scalars().all()
    assert kinds == ["take_down", "take_down", "take_down", "suspend"]


def test_calibration_answers_are_scored_against_the_known_answer(db):
    lee, alice = make_user(db, "lee", "lead"), make_user(db, "alice", "reviewer")
    with transaction(db) as s:
        case = calibration.seed_known_answer(s, lee, target_kind="content", target_id="cal-1", queue="porn",
                                             known_answer="take_down", title="t", body="b", review=REVIEW)
    with transaction(db) as s:
        queue.claim_case(s, case.id, alice, lease_seconds=LEASE)
        outcome = decisions.decide(s, case.id, alice, "pass", "看起来正常", review=REVIEW)
        stats = calibration.agreement(s)
        actions = s.execute(select(Action)).scalars().all()
    assert outcome.status == "closed" and not actions  # calibration never enforces
    assert stats == [calibration.Agreement("alice", known=1, known_agreed=0, second=0, second_agreed=0, rate=0.0)]


def test_a_calibration_case_takes_the_queues_usual_severity_unless_the_lead_sets_one(db):
    from qinglang.domain.review import CaseSource, TargetKind

    lee = make_user(db, "lee", "lead")
    with transaction(db) as s:
        for i, severity in enumerate((3, 3, 1)):
            cases.open_case(s, cases.NewCase(TargetKind.CONTENT, f"v-{i}", CaseSource.VERDICT, "gambling", severity),
                            sla_hours=REVIEW.sla_hours, actor="policy")

    def seed(target, queue_name, severity=None):
        with transaction(db) as s:
            return calibration.seed_known_answer(s, lee, target_kind="content", target_id=target, queue=queue_name,
                                                 known_answer="pass", title="t", body="b", review=REVIEW,
                                                 severity=severity)

    assert seed("cal-usual", "gambling").severity == 3  # as most of the queue's automatic cases
    assert seed("cal-empty", "fraud").severity == 2  # a queue with none: the default grade
    assert seed("cal-set", "gambling", 1).severity == 1
    with pytest.raises(InvalidInput):
        seed("cal-bad", "gambling", 4)


def test_a_burst_of_reports_on_one_target_stops_raising_priority(db):
    for n in range(reports.FLOOD_REPORTS_PER_10_MIN):
        last = file(db, ip=f"11.0.0.{n}")
    with transaction(db) as s:
        before = case_store.get_case(s, last.case_id).reporter_weight
    file(db, ip="11.0.1.1")
    with transaction(db) as s:
        case = case_store.get_case(s, last.case_id)
    assert case.report_count == reports.FLOOD_REPORTS_PER_10_MIN + 1 and case.reporter_weight == before


def test_case_view_shows_the_accounts_other_content_and_strikes(db):
    seed_content(db, content_id="art-2")
    report = file(db)
    with transaction(db) as s:
        enforcement.apply_action(s, enforcement.NewAction("take_down", "content", "art-2", "r", account_id="acc-1"),
                                 actor="t", review=REVIEW)
    with transaction(db) as s:
        view = queries.case_detail(s, report.case_id)
    assert view.other_content == ("art-2",) and view.strikes == 1 and view.past_actions[0].target_id == "art-2"
    assert view.text == "加我薇信 abc123 看全集"


def test_a_close_two_seniors_made_cannot_be_overturned_by_one_reviewer(db):
    file(db)
    alice, sam = make_user(db, "alice", "senior"), make_user(db, "sam", "senior")
    rita, sue = make_user(db, "rita", "reviewer"), make_user(db, "sue", "senior")
    outcome = _claim_and_decide(db, alice, "close")
    with transaction(db) as s:
        close_id = decisions.settle_approval(s, outcome.approval_id, sam, True, "同意", review=REVIEW).action_ids[0]
    with transaction(db) as s:
        appeal_id = appeals.file_appeal(s, close_id, "acc-1", "误判").id
    with transaction(db) as s, pytest.raises(Forbidden) as refused:
        appeals.decide_appeal(s, appeal_id, rita, True, "撤销")
    assert refused.value.code == "two_person_rule"
    with transaction(db) as s:
        assert appeals.decide_appeal(s, appeal_id, rita, False, "维持").status == "upheld"
    with transaction(db) as s:
        appeal_id = appeals.file_appeal(s, close_id, "acc-1", "再次申诉").id
    with transaction(db) as s:
        appeals.decide_appeal(s, appeal_id, sue, True, "证据不足")
    with transaction(db) as s:
        assert s.get(AccountRow, "acc-1").status == "active"
