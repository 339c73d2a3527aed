"""The items behind the figures, continued: actions (and the accounts and works they touched), register
entries, appeals and reward lines, each selected by time window (see ``items``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qinglang.domain.review import ActionKind, TargetKind
from qinglang.services.statistics.items import within
from qinglang.statistics.periods import Window
from qinglang.storage.tables.core import AccountRow, AuditEventRow, ContentVersionRow, ListEntryRow
from qinglang.storage.tables.review import Action, Appeal, Reward

# --- actions, accounts, works ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int
    kind: str
    target_kind: str
    target_id: str
    status: str
    created_at: datetime
    case_id: int | None
    book_id: str | None = None  # the book: a content target's (the chapter's book), or a book target itself
    ended_at: datetime | None = None  # when it expired or was reverted (its reversal's time)

    @property
    def work(self) -> str | None:
        """chapter or article for a content target, book for a book target, else None."""
        if self.target_kind == TargetKind.BOOK:
            return "book"
        if self.target_kind != TargetKind.CONTENT:
            return None
        return "chapter" if self.book_id else "article"

    @property
    def takes_a_book_down(self) -> bool:
        """Whether it counts in ``works.books``: a chapter's take-down or a whole book's."""
        return bool(self.book_id) and (self.kind == ActionKind.TAKE_DOWN_BOOK
                                       or (self.kind == ActionKind.TAKE_DOWN and self.work == "chapter"))


def _action_items(session: Session, actions: Sequence[Action], ended: dict[int, datetime] | None = None) -> list[ActionItem]:
    content_ids = {a.target_id for a in actions if a.target_kind == TargetKind.CONTENT}
    books = {}
    if content_ids:
        stmt = (select(ContentVersionRow.content_id, ContentVersionRow.book_id)
                .where(ContentVersionRow.content_id.in_(content_ids)).order_by(ContentVersionRow.pk))
        books = dict(session.execute(stmt).all())  # the newest version's book id wins
    ended = ended or {}
    return [ActionItem(a.id, a.kind, a.target_kind, a.target_id, a.status, a.created_at, a.case_id,
                       _book_of(a, books), ended.get(a.id)) for a in actions]


def _book_of(action: Action, books: dict[str, str | None]) -> str | None:
    if action.target_kind == TargetKind.BOOK:
        return action.target_id
    return books.get(action.target_id) if action.target_kind == TargetKind.CONTENT else None


def actions_created(session: Session, window: Window) -> list[ActionItem]:
    rows = session.execute(select(Action).where(within(Action.created_at, window)).order_by(Action.id)).scalars().all()
    return _action_items(session, rows)


def actions_ended(session: Session, window: Window, status: str) -> list[ActionItem]:
    """Actions whose reversal (expiry or undoing, ``status``) was written in the window."""
    reversals = session.execute(select(Action.reverts_id, Action.created_at).where(
        Action.kind == ActionKind.REVERT, Action.reverts_id.is_not(None), within(Action.created_at, window)))
    ended = dict(reversals.all())
    if not ended:
        return []
    rows = session.execute(select(Action).where(Action.id.in_(ended), Action.status == status)
                           .order_by(Action.id)).scalars().all()
    return _action_items(session, rows, ended)


@dataclass(frozen=True, slots=True)
class AccountItem:
    id: str
    name: str
    status: str  # now
    action_id: int
    action_kind: str
    at: datetime


STATUS_KINDS = {"restricted": ActionKind.RESTRICT, "suspended": ActionKind.SUSPEND, "closed": ActionKind.CLOSE}


def accounts_given(session: Session, window: Window, status: str) -> list[AccountItem]:
    """Accounts an action of ``status``'s kind targeted in the window (one line per action)."""
    stmt = (select(Action, AccountRow.name, AccountRow.status).outerjoin(AccountRow, AccountRow.id == Action.target_id)
            .where(Action.kind == STATUS_KINDS[status], Action.target_kind == TargetKind.ACCOUNT,
                   within(Action.created_at, window)).order_by(Action.id))
    return [AccountItem(a.target_id, name or "", now or "", a.id, a.kind, a.created_at)
            for a, name, now in session.execute(stmt)]


# --- the register, appeals, rewards ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListItem:
    id: int
    list: str
    kind: str
    value: str
    reason: str
    created_at: datetime
    removed_at: datetime | None
    expires_at: datetime | None

    @property
    def ended_at(self) -> datetime | None:
        ends = [t for t in (self.removed_at, self.expires_at) if t is not None]
        return min(ends) if ends else None

    def active_at(self, moment: datetime) -> bool:
        return self.created_at < moment and (self.ended_at is None or self.ended_at >= moment)


def _list_items(session: Session, *conditions) -> list[ListItem]:
    stmt = select(ListEntryRow).where(*conditions).order_by(ListEntryRow.id)
    return [ListItem(r.id, r.list, r.kind, r.value, r.reason, r.created_at, r.removed_at, r.expires_at)
            for r in session.execute(stmt).scalars()]


def entries_added(session: Session, window: Window) -> list[ListItem]:
    return _list_items(session, within(ListEntryRow.created_at, window))


def entries_ended(session: Session, window: Window) -> list[ListItem]:
    candidates = _list_items(session, or_(within(ListEntryRow.removed_at, window),
                                          within(ListEntryRow.expires_at, window)))
    return [e for e in candidates if e.ended_at is not None and window.start <= e.ended_at < window.end]


def entries_active_at(session: Session, moment: datetime) -> list[ListItem]:
    items = _list_items(session, ListEntryRow.created_at < moment,
                        or_(ListEntryRow.removed_at.is_(None), ListEntryRow.removed_at >= moment),
                        or_(ListEntryRow.expires_at.is_(None), ListEntryRow.expires_at >= moment))
    return [e for e in items if e.active_at(moment)]


@dataclass(frozen=True, slots=True)
class AppealItem:
    id: int
    action_id: int
    account_id: str
    status: str
    filed_at: datetime
    decided_at: datetime | None

    def open_at(self, moment: datetime) -> bool:
        return self.filed_at < moment and (self.decided_at is None or self.decided_at >= moment)


def _appeal_items(session: Session, *conditions) -> list[AppealItem]:
    stmt = select(Appeal).where(*conditions).order_by(Appeal.id)
    return [AppealItem(a.id, a.action_id, a.account_id, a.status, a.created_at, a.decided_at)
            for a in session.execute(stmt).scalars()]


def appeals_filed(session: Session, window: Window) -> list[AppealItem]:
    return _appeal_items(session, within(Appeal.created_at, window))


def appeals_decided(session: Session, window: Window) -> list[AppealItem]:
    return _appeal_items(session, within(Appeal.decided_at, window))


def appeals_open_at(session: Session, moment: datetime) -> list[AppealItem]:
    return [a for a in _appeal_items(session, Appeal.created_at < moment) if a.open_at(moment)]


@dataclass(frozen=True, slots=True)
class RewardItem:
    id: int
    report_id: int
    amount_cents: int
    status: str
    credited_at: datetime
    settled_at: datetime | None  # when a lead approved or refused it (the audit event's time)


def _reward_items(session: Session, rows: Sequence[Reward]) -> list[RewardItem]:
    settled: dict[int, datetime] = {}
    if rows:
        stmt = select(AuditEventRow.subject_id, AuditEventRow.at).where(
            AuditEventRow.subject_type == "reward", AuditEventRow.action.in_(("reward.approved", "reward.refused")),
            AuditEventRow.subject_id.in_([str(r.id) for r in rows]))
        settled = {int(s): at for s, at in session.execute(stmt)}
    return [RewardItem(r.id, r.report_id, r.amount_cents, r.status, r.created_at, settled.get(r.id)) for r in rows]


def rewards_credited(session: Session, window: Window) -> list[RewardItem]:
    rows = session.execute(select(Reward).where(within(Reward.created_at, window)).order_by(Reward.id)).scalars().all()
    return _reward_items(session, rows)


def rewards_settled(session: Session, window: Window, status: str) -> list[RewardItem]:
    """Reward lines a lead approved (``approved``) or refused (``refused``) in the window."""
    ids = session.execute(select(AuditEventRow.subject_id).where(
        AuditEventRow.subject_type == "reward", AuditEventRow.action == f"reward.{status}",
        within(AuditEventRow.at, window))).scalars().all()
    if not ids:
        return []
    rows = session.execute(select(Reward).where(Reward.id.in_([int(i) for i in ids]), Reward.status == status)
                           .order_by(Reward.id)).scalars().all()
    return _reward_items(session, rows)
