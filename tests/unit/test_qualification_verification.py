"""The licence verification state machine: the paths, the refusals, and properties over random event sequences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qinglang.qualification.licences import validity_end
from qinglang.qualification.verification import (
    Actor,
    ActorKind,
    Approve,
    Expire,
    LicenceStatus,
    Refusal,
    RefusalCode,
    Reject,
    Release,
    Resubmit,
    Revoke,
    StartReview,
    VerificationState,
    Withdraw,
    counts_as_valid,
    submit,
    transition,
)

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
OP = Actor(ActorKind.OPERATOR, "op-qingshan")
OP2 = Actor(ActorKind.OPERATOR, "op-other")
R1 = Actor(ActorKind.REVIEWER, "7")
R2 = Actor(ActorKind.REVIEWER, "8")
STAFF_SUBMITTER = Actor(ActorKind.REVIEWER, "9")  # a reviewer who entered the licence for the operator


def submitted(until: date | None = date(2026, 12, 31), by: Actor = OP) -> VerificationState:
    state = submit(by, T0, valid_from=date(2024, 1, 1), valid_until=until)
    assert isinstance(state, VerificationState) and state.status is LicenceStatus.SUBMITTED
    return state


def run(state: VerificationState, *events) -> VerificationState | Refusal:
    for event in events:
        state = transition(state, event)
        if isinstance(state, Refusal):
            return state
    return state


def test_a_licence_is_verified_by_a_named_reviewer_with_a_reason():
    state = run(submitted(), StartReview(R1, T0), Approve(R1, "number and dates match the scan", T0))
    assert state.status is LicenceStatus.VERIFIED and state.decided_by == R1 and state.version == 2
    assert state.reason == "number and dates match the scan"
    assert counts_as_valid(state, T0)


def test_a_decision_without_a_reviewer_or_a_reason_is_refused():
    review = run(submitted(), StartReview(R1, T0))
    assert transition(review, Approve(None, "ok", T0)).code is RefusalCode.REVIEWER_REQUIRED
    assert transition(review, Approve(OP2, "ok", T0)).code is RefusalCode.REVIEWER_REQUIRED
    assert transition(review, Approve(R1, "   ", T0)).code is RefusalCode.REASON_REQUIRED
    assert transition(review, Reject(R1, "", T0)).code is RefusalCode.REASON_REQUIRED


def test_the_submitter_cannot_review_their_own_licence():
    state = submitted(by=STAFF_SUBMITTER)
    assert transition(state, StartReview(STAFF_SUBMITTER, T0)).code is RefusalCode.SELF_REVIEW
    assert run(state, StartReview(R1, T0), Approve(R1, "ok", T0)).status is LicenceStatus.VERIFIED


def test_only_the_reviewer_who_holds_the_review_decides_and_a_running_lease_keeps_others_out():
    review = run(submitted(), StartReview(R1, T0, lease_seconds=600))
    assert transition(review, StartReview(R2, T0 + timedelta(seconds=599))).code is RefusalCode.LICENCE_CLAIMED
    assert transition(review, Approve(R2, "ok", T0)).code is RefusalCode.LICENCE_NOT_YOURS
    taken = transition(review, StartReview(R2, T0 + timedelta(seconds=600)))
    assert taken.reviewer == R2
    assert transition(taken, Approve(R1, "ok", T0)).code is RefusalCode.LICENCE_NOT_YOURS


def test_release_returns_the_licence_to_the_queue():
    state = run(submitted(), StartReview(R1, T0), Release(R1, T0))
    assert state.status is LicenceStatus.SUBMITTED and state.reviewer is None


def test_an_expired_licence_cannot_be_verified():
    state = run(submitted(until=date(2025, 2, 28)), StartReview(R1, T0))
    refusal = transition(state, Approve(R1, "ok", T0))
    assert refusal.code is RefusalCode.LICENCE_EXPIRED and refusal.error().status == 409


def test_expiry_happens_only_after_the_last_valid_day_in_china():
    state = run(submitted(until=date(2025, 6, 30)), StartReview(R1, T0), Approve(R1, "ok", T0))
    last_moment = datetime(2025, 6, 30, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Beijing
    assert transition(state, Expire(last_moment)).code is RefusalCode.LICENCE_NOT_EXPIRED
    assert counts_as_valid(state, last_moment)
    assert not counts_as_valid(state, last_moment + timedelta(seconds=1))  # before Expire is even recorded
    expired = transition(state, Expire(last_moment + timedelta(seconds=1)))
    assert expired.status is LicenceStatus.EXPIRED and not counts_as_valid(expired, T0)


def test_a_rejected_licence_is_resubmitted_only_by_its_submitter():
    rejected = run(submitted(), StartReview(R1, T0), Reject(R1, "the scan is unreadable", T0))
    assert rejected.status is LicenceStatus.REJECTED and rejected.reason == "the scan is unreadable"
    assert transition(rejected, Resubmit(OP2, T0)).code is RefusalCode.SUBMITTER_REQUIRED
    again = transition(rejected, Resubmit(OP, T0, valid_until=date(2027, 1, 1)))
    assert again.status is LicenceStatus.SUBMITTED and again.valid_until == date(2027, 1, 1)


def test_revoked_and_withdrawn_are_final():
    revoked = run(submitted(), StartReview(R1, T0), Approve(R1, "ok", T0), Revoke(R2, "forged seal", T0))
    withdrawn = run(submitted(), Withdraw(OP, T0))
    for state in (revoked, withdrawn):
        for event in (StartReview(R1, T0), Approve(R1, "ok", T0), Resubmit(OP, T0), Withdraw(OP, T0), Expire(T0),
                      Revoke(R1, "x", T0)):
            assert isinstance(transition(state, event), Refusal)


def test_refusals_map_to_403_422_and_409():
    assert Refusal(RefusalCode.SELF_REVIEW, "m").error().status == 403
    assert Refusal(RefusalCode.REASON_REQUIRED, "m").error().status == 422
    assert Refusal(RefusalCode.LICENCE_STATUS, "m").error().status == 409
    assert Refusal(RefusalCode.LICENCE_CLAIMED, "m").error().code == "licence_claimed"


def test_submit_always_starts_in_submitted():
    assert submit(None, T0).code is RefusalCode.SUBMITTER_REQUIRED
    for by in (OP, R1):
        assert submit(by, T0).status is LicenceStatus.SUBMITTED


# --- properties over random event sequences ----------------------------------------------------------------

ACTORS = [OP, OP2, R1, R2, None]
REASONS = ["", "  ", "matches the scan", "unreadable"]
UNTIL = [None, date(2025, 3, 15), date(2025, 6, 30), date(2025, 12, 31)]


def make_event(kind: int, actor: int, reason: int, until: int, now: datetime):
    by, why = ACTORS[actor], REASONS[reason]
    return [StartReview(by, now, 60 if until % 2 else 86400), Release(by, now), Approve(by, why, now),
            Reject(by, why, now), Revoke(by, why, now), Resubmit(by, now, None, UNTIL[until]), Withdraw(by, now),
            Expire(now)][kind]


# Weighted so that random walks reach every state: reviews and approvals are drawn more often than withdrawals,
# and R1 acts more often than anyone else (a walk needs the same reviewer to start a review and decide it).
steps = st.lists(st.tuples(st.sampled_from([0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 5, 5, 6, 7, 7]),
                           st.sampled_from([0, 1, 2, 2, 2, 2, 3, 4]), st.sampled_from([0, 1, 2, 2, 3, 3]),
                           st.integers(0, 3), st.sampled_from([0, 1, 6, 24, 24 * 10, 24 * 60])),
                 min_size=1, max_size=30)


@st.composite
def histories(draw):
    state = submitted(until=UNTIL[draw(st.integers(0, 3))])
    now, events = T0, []
    for kind, actor, reason, until, hours in draw(steps):
        now = now + timedelta(hours=hours)
        events.append(make_event(kind, actor, reason, until, now))
    return state, events


def check_edge(state: VerificationState, event, result) -> None:
    """The invariants every step keeps, accepted or refused."""
    if isinstance(result, Refusal):
        assert isinstance(result.code, RefusalCode) and result.message
        assert result.error().code == result.code.value and result.error().status in (403, 409, 422)
        return
    assert state.status not in (LicenceStatus.REVOKED, LicenceStatus.WITHDRAWN)  # final states accept nothing
    assert result.version == state.version + 1
    assert result.submitted_by == state.submitted_by  # no event changes who submitted
    if result.status is LicenceStatus.VERIFIED and state.status is not LicenceStatus.VERIFIED:
        # the only way in: an Approve by a reviewer other than the submitter, with a reason, before the end date
        assert isinstance(event, Approve)
        assert event.by is not None and event.by.kind is ActorKind.REVIEWER and event.by != state.submitted_by
        assert event.reason.strip()
        assert state.valid_until is None or event.now < validity_end(state.valid_until)
    if result.status in (LicenceStatus.VERIFIED, LicenceStatus.REJECTED, LicenceStatus.REVOKED) and (
            result.status is not state.status):
        assert result.decided_by is not None and result.decided_by != result.submitted_by and result.reason
    for later in (event.now, event.now + timedelta(days=400)):
        if counts_as_valid(result, later):  # an expired licence never counts, recorded as expired or not
            assert result.status is LicenceStatus.VERIFIED
            assert result.valid_until is None or later < validity_end(result.valid_until)


@settings(max_examples=200)
@given(histories())
def test_properties_of_random_event_sequences(history):
    state, events = history
    for event in events:
        result = transition(state, event)
        check_edge(state, event, result)
        state = state if isinstance(result, Refusal) else result


def test_properties_on_every_edge_of_the_reachable_state_graph():
    """Exhaustive over a small alphabet: every state reachable from a submission, every event from each."""
    times = [T0, T0 + timedelta(hours=1), T0 + timedelta(days=200)]
    alphabet = [e for now in times for e in (
        StartReview(R1, now, 600), StartReview(R2, now, 600), StartReview(OP, now), Release(R1, now),
        Approve(R1, "ok", now), Approve(R1, " ", now), Approve(R2, "ok", now), Approve(OP, "ok", now),
        Approve(None, "ok", now), Reject(R1, "blurred", now), Revoke(R2, "forged", now), Revoke(OP, "x", now),
        Resubmit(OP, now, None, date(2025, 6, 30)), Resubmit(OP2, now), Withdraw(OP, now), Expire(now))]
    start = submitted(until=date(2025, 6, 30))
    seen, frontier, reached = {start}, [start], set()
    while frontier:
        state = frontier.pop()
        for event in alphabet:
            result = transition(state, event)
            check_edge(state, event, result)
            if isinstance(result, VerificationState):
                key = replace(result, version=0)
                reached.add(result.status)
                if key not in seen:
                    seen.add(key)
                    frontier.append(key)
    assert reached == set(LicenceStatus)  # the walk saw every status, so the checks above were exercised
