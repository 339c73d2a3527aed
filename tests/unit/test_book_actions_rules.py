"""``take_down_book`` in the case rules: it targets the book of a chapter case or the book a case is about, never
an account case, and it does not also take the single chapter down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain.review import (
    ACTIONS,
    ActionKind,
    ActionTarget,
    CaseState,
    CaseStatus,
    Decide,
    Enforce,
    Moved,
    Refusal,
    RefusalCode,
    Reviewer,
    ReviewerRole,
    TargetKind,
    transition,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ALICE = Reviewer(1, ReviewerRole.REVIEWER)


def held(target_kind: TargetKind) -> CaseState:
    return CaseState(status=CaseStatus.CLAIMED, claimed_by=ALICE.id, lease_expires_at=T0 + timedelta(hours=1),
                     target_kind=target_kind)


def enforced(moved: Moved) -> list[ActionKind]:
    return [e.kind for e in moved.effects if isinstance(e, Enforce)]


def test_the_action_table_gives_take_down_book_to_reviewers_with_two_strike_points():
    spec = ACTIONS[ActionKind.TAKE_DOWN_BOOK]
    assert (spec.target, spec.strike_points, spec.severe, spec.lasts_days) == (ActionTarget.BOOK, 2, False, False)


@pytest.mark.parametrize("target", [TargetKind.CONTENT, TargetKind.BOOK])
def test_a_chapter_case_or_a_book_case_takes_the_book_down_alone(target):
    moved = transition(held(target), Decide(ALICE, T0, ActionKind.TAKE_DOWN_BOOK))
    assert isinstance(moved, Moved) and enforced(moved) == [ActionKind.TAKE_DOWN_BOOK]
    assert moved.state.status is CaseStatus.CLOSED


def test_an_account_case_refuses_take_down_book():
    refused = transition(held(TargetKind.ACCOUNT), Decide(ALICE, T0, ActionKind.TAKE_DOWN_BOOK))
    assert isinstance(refused, Refusal) and refused.code is RefusalCode.ACTION_TARGET


@given(st.sampled_from([k for k, s in ACTIONS.items() if s.target is ActionTarget.CONTENT]))
def test_a_book_case_refuses_the_article_actions(kind):
    refused = transition(held(TargetKind.BOOK), Decide(ALICE, T0, kind))
    assert isinstance(refused, Refusal) and refused.code is RefusalCode.ACTION_TARGET


@given(st.sampled_from([k for k, s in ACTIONS.items() if s.target is ActionTarget.ACCOUNT and not s.severe]))
def test_a_book_case_may_still_act_on_its_account(kind):
    moved = transition(held(TargetKind.BOOK), Decide(ALICE, T0, kind))
    assert isinstance(moved, Moved) and enforced(moved) == [kind]
