"""The reward ledger: a verified report credits its reporter; leads approve payouts. Anti-gaming: one reward per
reporter per case, none for reports on one's own account, none from a network that filed several reports on the
same day under several contacts (a coordinated flood), and a monthly cap per reporter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.domain.review import ReviewerRole, RewardStatus
from qinglang.errors import Conflict, NotFound
from qinglang.services.review.users import User, require_rank
from qinglang.services.review.views import RewardView, reward_view
from qinglang.storage.atomic import compare_and_set
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.review import Case, Report, Reward


def _month_total(session: Session, contact_hash: str) -> int:
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    stmt = select(func.coalesce(func.sum(Reward.amount_cents), 0)).where(
        Reward.contact_hash == contact_hash, Reward.created_at >= start, Reward.status != RewardStatus.REFUSED
    )
    return int(session.execute(stmt).scalar_one())


FLOOD_CONTACTS_PER_IP_DAY = 3


def contacts_from_ip(session: Session, ip_hash: str) -> int:
    """Distinct reward contacts used from one network in the last day."""
    stmt = select(func.count(func.distinct(Report.contact_hash))).where(
        Report.ip_hash == ip_hash, Report.contact_hash.is_not(None), Report.created_at >= utcnow() - timedelta(days=1)
    )
    return int(session.execute(stmt).scalar_one())


def eligible_reports(case: Case, reports: Sequence[Report], contacts_per_ip: dict[str, int]) -> list[Report]:
    """The reports on a verified case that earn a reward (pure: no I/O)."""
    seen: set[str] = set()
    out = []
    for report in sorted(reports, key=lambda r: r.id):
        own = report.reporter_account_id and report.reporter_account_id in (case.account_id, case.target_id)
        flood = contacts_per_ip.get(report.ip_hash, 0) >= FLOOD_CONTACTS_PER_IP_DAY
        if not report.contact_hash or own or flood or report.contact_hash in seen:
            continue
        seen.add(report.contact_hash)
        out.append(report)
    return out


def credit_case(session: Session, case: Case, reports: Sequence[Report], *, amount: int, monthly_cap: int) -> int:
    credited = 0
    per_ip = {r.ip_hash: contacts_from_ip(session, r.ip_hash) for r in reports}
    for report in eligible_reports(case, reports, per_ip):
        pay = min(amount, monthly_cap - _month_total(session, report.contact_hash))
        if pay <= 0:
            continue
        session.add(Reward(report_id=report.id, contact_hash=report.contact_hash, amount_cents=pay))
        session.flush()
        append_audit_event(session, "system", "reward.credited", "report", report.id, {"amount_cents": pay})
        credited += 1
    return credited


def find_reward_for_report(session: Session, report_id: int) -> RewardView | None:
    row = session.execute(select(Reward).where(Reward.report_id == report_id)).scalar_one_or_none()
    return reward_view(row) if row is not None else None


def settle_reward(session: Session, reward_id: int, user: User, approve: bool) -> RewardView:
    """A lead approves or refuses a payout, once (compare-and-set on ``credited``)."""
    require_rank(user, ReviewerRole.LEAD)
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(f"no reward {reward_id}", code="reward_not_found")
    status = RewardStatus.APPROVED if approve else RewardStatus.REFUSED
    if not compare_and_set(session, Reward, reward_id, {"status": RewardStatus.CREDITED},
                           {"status": status, "approved_by": user.id}):
        session.refresh(reward)
        raise Conflict(f"reward {reward_id} is already {reward.status}", code="reward_settled")
    session.refresh(reward)
    append_audit_event(session, user.actor, f"reward.{status}", "reward", reward.id,
                       {"amount_cents": reward.amount_cents})
    return reward_view(reward)
