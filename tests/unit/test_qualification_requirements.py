"""What an account needs, has and lacks: requirement checks and the qualification state at a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from qinglang.qualification.loader import default_catalogue
from qinglang.qualification.operators import OperatorKind
from qinglang.qualification.requirements import (
    HeldLicence,
    QualificationState,
    RequirementState,
    assess_qualification,
)
from qinglang.qualification.verification import Actor, ActorKind, LicenceStatus, VerificationState

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
OP = Actor(ActorKind.OPERATOR, "op-1")
R1 = Actor(ActorKind.REVIEWER, "7")
CAT = default_catalogue()
BUSINESS = "business_licence"


def held(lid: str, kind: str, status=LicenceStatus.VERIFIED, until: date | None = date(2027, 12, 31),
         start: date | None = date(2024, 1, 1), reason: str = "ok") -> HeldLicence:
    decided = R1 if status is not LicenceStatus.SUBMITTED else None
    return HeldLicence(lid, kind, VerificationState(status, OP, NOW, start, until, decided_by=decided, reason=reason))


def assess(category: str, kind: str, licences, now=NOW, **kw):
    return assess_qualification(CAT, category, OperatorKind(kind), licences, now, **kw)


def fiction(*licences):
    return assess("serialized_fiction", "enterprise", [held("b", BUSINESS, until=None), *licences])


def test_a_fiction_account_with_a_verified_publishing_licence_is_qualified():
    result = fiction(held("p", "online_publishing"))
    assert result.state is QualificationState.QUALIFIED and result.state.qualified
    assert [c.state for c in result.checks] == [RequirementState.MET, RequirementState.MET]
    assert result.reasons[0].code == "qualification_qualified"
    assert "网络出版服务许可证" in result.reasons[2].zh and "2027-12-31" in result.reasons[2].zh


def test_missing_expired_revoked_rejected_and_pending_licences():
    cases = {
        (): (QualificationState.UNQUALIFIED, RequirementState.MISSING),
        (held("p", "online_publishing", until=date(2025, 5, 31)),): (QualificationState.UNQUALIFIED,
                                                                     RequirementState.EXPIRED),
        (held("p", "online_publishing", LicenceStatus.REVOKED, reason="伪造"),): (QualificationState.UNQUALIFIED,
                                                                               RequirementState.REVOKED),
        (held("p", "online_publishing", LicenceStatus.REJECTED),): (QualificationState.UNQUALIFIED,
                                                                    RequirementState.REJECTED),
        (held("p", "online_publishing", LicenceStatus.SUBMITTED),): (QualificationState.PENDING,
                                                                     RequirementState.PENDING),
        (held("p", "online_publishing", start=date(2025, 7, 1)),): (QualificationState.UNQUALIFIED,
                                                                    RequirementState.NOT_YET_VALID),
    }
    for licences, (state, requirement) in cases.items():
        result = fiction(*licences)
        assert (result.state, result.checks[1].state) == (state, requirement), licences


def test_a_licence_verified_but_past_its_date_counts_as_expired_before_the_worker_records_it():
    result = fiction(held("p", "online_publishing", until=date(2025, 5, 31)))
    assert result.checks[1].state is RequirementState.EXPIRED
    assert "已过期" in result.checks[1].reason.zh


def test_a_licence_ending_within_the_warning_period_is_expiring_and_says_how_long():
    result = fiction(held("p", "online_publishing", until=date(2025, 6, 20)))
    assert result.state is QualificationState.EXPIRING and result.state.qualified
    check = result.checks[1]
    assert (check.state, check.days_left) == (RequirementState.EXPIRING, 19)
    assert "剩余 19 天" in check.reason.zh and "19 days left" in check.reason.en


def test_a_renewal_awaiting_review_is_mentioned_and_the_valid_licence_still_counts():
    result = fiction(held("p", "online_publishing", until=date(2025, 6, 20)),
                     held("p2", "online_publishing", LicenceStatus.SUBMITTED, until=date(2030, 6, 20)))
    assert result.state is QualificationState.EXPIRING and result.checks[1].licence_id == "p"
    assert result.checks[1].renewal_pending and "新证已提交" in result.checks[1].reason.zh


def test_of_two_licences_in_force_the_one_valid_longest_decides():
    result = fiction(held("short", "online_publishing", until=date(2025, 6, 10)),
                     held("long", "online_publishing", until=date(2028, 1, 1)))
    assert result.checks[1].licence_id == "long" and result.state is QualificationState.QUALIFIED


def test_an_individual_may_not_run_a_news_account():
    result = assess("news", "individual", [])
    assert result.state is QualificationState.INELIGIBLE and result.checks == ()
    assert result.reasons[0].code == "operator_kind_not_allowed" and "个人" in result.reasons[0].zh


def test_requirements_depend_on_the_operator_kind():
    doctor = assess("medical_health", "individual", [held("d", "physician_practice", until=None)])
    assert doctor.state is QualificationState.QUALIFIED
    clinic = assess("medical_health", "enterprise", [held("b", BUSINESS, until=None), held("d", "drug_information")])
    assert clinic.state is QualificationState.QUALIFIED
    assert assess("medical_health", "enterprise", [held("b", BUSINESS, until=None)]).state is (
        QualificationState.UNQUALIFIED)
    assert assess("general", "individual", []).state is QualificationState.QUALIFIED
    assert assess("general", "enterprise", []).failing()[0].requirement.licences == (BUSINESS,)


def test_next_review_is_when_the_warning_starts_then_when_the_licence_ends():
    result = fiction(held("p", "online_publishing", until=date(2025, 12, 31)))
    warn_start = datetime(2025, 12, 1, tzinfo=UTC) - timedelta(hours=8)  # 1 December 00:00 in Beijing
    assert result.next_review_at == warn_start
    assert assess("serialized_fiction", "enterprise", [held("b", BUSINESS, until=None),
                  held("p", "online_publishing", until=date(2025, 12, 31))], now=warn_start).state is (
        QualificationState.EXPIRING)
    later = fiction(held("p", "online_publishing", until=date(2025, 6, 20)))
    assert later.next_review_at == datetime(2025, 6, 20, 16, 0, tzinfo=UTC)


@given(st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 1, 1)), st.integers(0, 900))
def test_the_state_changes_only_at_next_review_at(until, hours):
    """Between now and next_review_at nothing changes by time alone; at that moment something does."""
    licences = [held("b", BUSINESS, until=None), held("p", "online_publishing", until=until)]
    first = assess("serialized_fiction", "enterprise", licences)
    probe = NOW + timedelta(hours=hours)
    if first.next_review_at is None or probe < first.next_review_at:
        assert assess("serialized_fiction", "enterprise", licences, now=probe).state is first.state
    if first.next_review_at is not None:
        assert assess("serialized_fiction", "enterprise", licences, now=first.next_review_at).state is not first.state


@given(st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 1, 1)), st.integers(0, 3000))
def test_an_expired_licence_never_makes_an_account_qualified(until, hours):
    now = NOW + timedelta(hours=hours)
    result = assess("serialized_fiction", "enterprise", [held("b", BUSINESS, until=None),
                    held("p", "online_publishing", until=until)], now=now)
    china_today = (now + timedelta(hours=8)).date()
    assert result.state.qualified == (until >= china_today)
