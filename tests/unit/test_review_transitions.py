"""The case state machine (``qinglang.domain.review.transition``), tried on thousands of event sequences.

A sequence is played the way a service plays it: an accepted event replaces the state, a refused one leaves it
unchanged. Whatever the sequence, no kind of action is ever asked for twice on one case, a closed case accepts
nothing, a repeat of an accepted decision is refused, a severe action needs a different senior (or a lead on a
lead-tier case), and every refusal carries a stable code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain.review import (
    ACTIONS,
    LEAD_TIER,
    ActionKind,
    Approve,
    Assign,
    CaseState,
    CaseStatus,
    Claim,
    Decide,
    Disagree,
    Enforce,
    Escalate,
    LeaseExpired,
    Moved,
    Refusal,
    RefusalCode,
    Release,
    RequestApproval,
    RequireTier,
    Reviewer,
    ReviewerRole,
    SettleReports,
    TargetKind,
    transition,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PEOPLE = [Reviewer(1, ReviewerRole.REVIEWER), Reviewer(2, ReviewerRole.REVIEWER), Reviewer(3, ReviewerRole.SENIOR),
          Reviewer(4, ReviewerRole.SENIOR), Reviewer(5, ReviewerRole.LEAD), Reviewer(6, ReviewerRole.AUDITOR)]
people = st.sampled_from(PEOPLE)
minutes = st.integers(0, 40).map(lambda m: T0 + timedelta(minutes=m))
actions = st.one_of(st.none(), st.sampled_from(list(ACTIONS)))
events = st.one_of(
    st.builds(Claim, people, minutes, st.just(600)),
    st.builds(Release, people),
    st.builds(LeaseExpired, minutes),
    st.builds(Escalate, people, minutes),
    st.builds(Decide, people, minutes, actions),
    st.builds(Approve, people),
    st.builds(Disagree, people),
    st.builds(RequireTier, st.integers(0, 3), st.one_of(st.none(), st.integers(-1, 3))),
    st.builds(Assign, people, people, minutes, st.just(600)),
)
starts = st.builds(CaseState, target_kind=st.sampled_from(list(TargetKind)), has_account=st.booleans(),
                   calibration=st.booleans(), tier=st.integers(0, LEAD_TIER))


def play(state: CaseState, sequence):
    """Yield (state before, event, result) for each event, as a service would apply them."""
    for event in sequence:
        result = transition(state, event)
        yield state, event, result
        if isinstance(result, Moved):
            state = result.state


@given(starts, st.lists(events, max_size=30))
def test_no_sequence_of_events_asks_for_one_kind_of_action_twice(start, sequence):
    asked = [e.kind for _, _, r in play(start, sequence) if isinstance(r, Moved) for e in r.effects
             if isinstance(e, Enforce)]
    assert len(asked) == len(set(asked)), asked


@given(starts, st.lists(events, max_size=30))
def test_every_refusal_has_a_stable_code_and_a_message(start, sequence):
    for _, _, result in play(start, sequence):
        if isinstance(result, Refusal):
            assert result.code in set(RefusalCode) and len(result.message) > 10
            assert result.error().code == result.code.value and result.error().status in (403, 409, 422)


@given(starts, st.lists(events, max_size=30), events)
def test_a_closed_case_accepts_no_event(start, sequence, last):
    final = start
    for _, _, result in play(start, sequence):
        if isinstance(result, Moved):
            final = result.state
    closed = replace(final, status=CaseStatus.CLOSED)
    assert isinstance(transition(closed, last), Refusal)


@given(starts, st.lists(events, max_size=30))
def test_repeating_an_accepted_decision_is_refused(start, sequence):
    """A double click: the same decision, approval or disagreement sent twice acts once."""
    for _, event, result in play(start, sequence):
        if isinstance(result, Moved) and isinstance(event, Decide | Approve | Disagree | Escalate):
            assert isinstance(transition(result.state, event), Refusal)


@given(starts, st.lists(events, max_size=30))
def test_every_accepted_event_bumps_the_version_by_one(start, sequence):
    for before, _, result in play(start, sequence):
        if isinstance(result, Moved):
            assert result.state.version == before.version + 1


@given(starts, st.lists(events, max_size=30))
def test_a_severe_action_needs_a_different_senior_or_a_lead_on_the_lead_tier(start, sequence):
    for before, event, result in play(start, sequence):
        if not isinstance(result, Moved):
            continue
        for effect in result.effects:
            if isinstance(effect, Enforce) and ACTIONS[effect.kind].severe:
                if isinstance(event, Approve):
                    assert effect.approved_by == event.by.id != effect.decided_by
                    assert event.by.rank >= ReviewerRole.SENIOR.rank
                else:
                    assert isinstance(event, Decide) and before.tier >= LEAD_TIER
                    assert event.by.rank >= ReviewerRole.LEAD.rank


@given(starts, st.lists(events, max_size=30))
def test_a_case_is_never_held_by_two_reviewers(start, sequence):
    for before, event, result in play(start, sequence):
        if isinstance(event, Claim) and isinstance(result, Moved) and before.status is CaseStatus.CLAIMED:
            held = before.lease_expires_at is not None and before.lease_expires_at >= event.now
            assert not held or before.claimed_by == event.by.id


@given(starts, st.lists(events, max_size=30))
def test_only_the_holder_of_a_live_claim_decides(start, sequence):
    for before, event, result in play(start, sequence):
        if isinstance(event, Decide | Escalate) and isinstance(result, Moved):
            assert before.status is CaseStatus.CLAIMED and before.claimed_by == event.by.id
            assert before.lease_expires_at >= event.now


def _claimed(by: Reviewer, **changes) -> CaseState:
    return CaseState(status=CaseStatus.CLAIMED, claimed_by=by.id, lease_expires_at=T0 + timedelta(hours=1),
                     **changes)


def test_closing_an_account_waits_for_a_second_senior_and_takes_the_article_down_at_once():
    senior, other = PEOPLE[2], PEOPLE[3]
    asked = transition(_claimed(senior), Decide(senior, T0, ActionKind.CLOSE))
    assert asked.state.status is CaseStatus.PENDING_APPROVAL
    assert [type(e).__name__ for e in asked.effects] == ["RecordVerdict", "Enforce", "RequestApproval"]
    assert isinstance(asked.effects[-1], RequestApproval) and asked.effects[1].kind is ActionKind.TAKE_DOWN
    assert transition(asked.state, Approve(senior)).code is RefusalCode.TWO_PERSON_RULE
    approved = transition(asked.state, Approve(other))
    assert approved.effects == (SettleReports(True), Enforce(ActionKind.CLOSE, senior.id, approved_by=other.id))
    assert approved.state.status is CaseStatus.CLOSED


def test_a_lead_decides_a_disagreed_case_and_the_take_down_is_not_repeated():
    senior, other, lead = PEOPLE[2], PEOPLE[3], PEOPLE[4]
    asked = transition(_claimed(senior), Decide(senior, T0, ActionKind.CLOSE))
    disagreed = transition(asked.state, Disagree(other)).state
    assert (disagreed.status, disagreed.tier) == (CaseStatus.OPEN, LEAD_TIER)
    assert transition(disagreed, Claim(senior, T0, 600)).code is RefusalCode.CASE_ESCALATED
    held = transition(disagreed, Claim(lead, T0, 600)).state
    final = transition(held, Decide(lead, T0, ActionKind.CLOSE))
    assert [e.kind for e in final.effects if isinstance(e, Enforce)] == [ActionKind.CLOSE]


def test_an_account_step_needs_a_known_account_and_an_article_step_needs_an_article():
    rev = PEOPLE[0]
    assert transition(_claimed(rev, has_account=False), Decide(rev, T0, ActionKind.RESTRICT)).code \
        is RefusalCode.ACTION_TARGET
    assert transition(_claimed(rev, target_kind=TargetKind.ACCOUNT), Decide(rev, T0, ActionKind.TAKE_DOWN)).code \
        is RefusalCode.ACTION_TARGET


def test_calibration_answers_close_the_case_and_enforce_nothing():
    rev = PEOPLE[0]
    done = transition(_claimed(rev, calibration=True), Decide(rev, T0, ActionKind.CLOSE))
    assert done.state.status is CaseStatus.CLOSED and done.effects == ()


def test_an_expired_claim_can_be_taken_over_but_a_live_one_cannot():
    alice, bob = PEOPLE[0], PEOPLE[1]
    held = transition(CaseState(), Claim(alice, T0, 600)).state
    assert transition(held, Claim(bob, T0 + timedelta(minutes=5), 600)).code is RefusalCode.CASE_CLAIMED
    assert transition(held, LeaseExpired(T0 + timedelta(minutes=5))).code is RefusalCode.LEASE_ACTIVE
    taken = transition(held, Claim(bob, T0 + timedelta(minutes=11), 600))
    assert taken.state.claimed_by == bob.id


# --- appeals -----------------------------------------------------------------------------------------------

from qinglang.domain.review import AppealFacts, AppealStatus, judge_appeal  # noqa: E402

SENIOR_A, SENIOR_B, SENIOR_C, LEAD, REVIEWER = PEOPLE[2], PEOPLE[3], Reviewer(7, ReviewerRole.SENIOR), PEOPLE[4], \
    PEOPLE[0]
CLOSED_BY_TWO = AppealFacts(AppealStatus.OPEN, ActionKind.CLOSE, decided_by=SENIOR_A, approved_by=SENIOR_B)


def test_one_reviewer_cannot_undo_what_two_seniors_decided():
    assert judge_appeal(CLOSED_BY_TWO, REVIEWER, overturn=True).code is RefusalCode.TWO_PERSON_RULE
    assert judge_appeal(CLOSED_BY_TWO, SENIOR_B, overturn=True).code is RefusalCode.APPEAL_SAME_REVIEWER
    assert judge_appeal(CLOSED_BY_TWO, SENIOR_C, overturn=True) is AppealStatus.OVERTURNED
    assert judge_appeal(CLOSED_BY_TWO, REVIEWER, overturn=False) is AppealStatus.UPHELD


def test_overturning_needs_the_rank_of_everyone_who_made_the_action():
    approved_by_lead = replace(CLOSED_BY_TWO, approved_by=LEAD)
    assert judge_appeal(approved_by_lead, SENIOR_C, overturn=True).code is RefusalCode.TWO_PERSON_RULE
    assert judge_appeal(approved_by_lead, Reviewer(8, ReviewerRole.ADMIN), overturn=True) is AppealStatus.OVERTURNED


@given(st.sampled_from(list(ActionKind)), st.one_of(st.none(), people), st.one_of(st.none(), people), people,
       st.booleans())
def test_an_overturn_never_comes_from_someone_who_made_the_action_or_outranked_by_them(kind, decider, approver, by,
                                                                                       overturn):
    facts = AppealFacts(AppealStatus.OPEN, kind, decider, approver)
    verdict = judge_appeal(facts, by, overturn)
    if verdict is AppealStatus.OVERTURNED:
        assert by.id not in {m.id for m in facts.makers}
        if facts.needed_two:
            assert by.rank >= max([ReviewerRole.SENIOR.rank, *(m.rank for m in facts.makers)])
