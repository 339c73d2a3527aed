"""What the console's account and operator pages show, gathered in one read: view dataclasses, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qinglang.qualification import Catalogue
from qinglang.services.qualification.operators import get_operator_row
from qinglang.services.qualification.views import GradeView, LicenceView, grade_view, operator_licences
from qinglang.services.review.views import (
    ActionView,
    AppealView,
    CaseSummary,
    ReportView,
    action_view,
    appeal_view,
    case_summary,
    report_view,
)
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, DecisionRow, OperatorRow
from qinglang.storage.tables.drainage import DrainageEdgeRow, DrainageTargetRow
from qinglang.storage.tables.qualification import QualityAssessmentRow
from qinglang.storage.tables.review import Action, Appeal, Case, Report, Strike

LIMIT = 50


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    account_id: str
    how: str  # operator | identity | target
    via: str  # the operator id, or the shared target


@dataclass(frozen=True, slots=True)
class AccountPage:
    account: dict[str, Any]
    category_zh: str
    category_en: str
    operator: dict[str, Any] | None
    licences: tuple[LicenceView, ...]
    grade: GradeView
    strikes: tuple[dict[str, Any], ...]
    actions: tuple[ActionView, ...]
    contents: tuple[dict[str, Any], ...]
    cases: tuple[CaseSummary, ...]
    reports: tuple[ReportView, ...]
    appeals: tuple[AppealView, ...]
    linked: tuple[LinkedAccount, ...]


@dataclass(frozen=True, slots=True)
class OperatorPage:
    operator: dict[str, Any]
    licences: tuple[LicenceView, ...]
    accounts: tuple[dict[str, Any], ...]
    same_identity: tuple[str, ...]


def account_page(session: Session, account_id: str, catalogue: Catalogue) -> AccountPage:
    from qinglang.services.accounts import account_dict, operator_dict
    from qinglang.services.qualification.submissions import account_row

    row = account_row(session, account_id)
    operator = session.get(OperatorRow, row.operator_id) if row.operator_id else None
    category = catalogue.categories.get(row.category)
    return AccountPage(
        account_dict(row), category.name_zh if category else row.category, category.name_en if category else "",
        operator_dict(operator) if operator else None,
        tuple(operator_licences(session, operator.id, catalogue)) if operator else (), grade_view(session, row),
        _strikes(session, row.id), _actions(session, row.id), _contents(session, row.id), _cases(session, row.id),
        _reports(session, row.id), _appeals(session, row.id), _linked(session, row, operator))


def _strikes(session: Session, account_id: str) -> tuple[dict[str, Any], ...]:
    rows = session.execute(select(Strike).where(Strike.account_id == account_id).order_by(Strike.id.desc())
                           .limit(LIMIT)).scalars()
    return tuple({"id": s.id, "points": s.severity, "action_id": s.action_id, "active": s.active, "reason": s.reason,
                  "created_at": s.created_at} for s in rows)


def _content_ids(session: Session, account_id: str):
    return select(ContentVersionRow.content_id).where(ContentVersionRow.account_id == account_id)


def _actions(session: Session, account_id: str) -> tuple[ActionView, ...]:
    on_account = (Action.target_kind == "account") & (Action.target_id == account_id)
    on_content = (Action.target_kind == "content") & Action.target_id.in_(_content_ids(session, account_id))
    rows = session.execute(select(Action).where(or_(on_account, on_content)).order_by(Action.id.desc())
                           .limit(LIMIT)).scalars()
    return tuple(action_view(a) for a in rows)


def _contents(session: Session, account_id: str) -> tuple[dict[str, Any], ...]:
    stmt = (select(ContentVersionRow, DecisionRow.verdict, QualityAssessmentRow.score, QualityAssessmentRow.band)
            .outerjoin(DecisionRow, (DecisionRow.content_version_id == ContentVersionRow.pk) & DecisionRow.is_current)
            .outerjoin(QualityAssessmentRow, QualityAssessmentRow.content_version_id == ContentVersionRow.pk)
            .where(ContentVersionRow.account_id == account_id).order_by(ContentVersionRow.pk.desc()).limit(LIMIT))
    return tuple({"content_id": v.content_id, "version": v.version, "title": v.title, "verdict": verdict,
                  "quality": score, "band": band, "received_at": v.received_at}
                 for v, verdict, score, band in session.execute(stmt))


def _case_filter(session: Session, account_id: str):
    return or_(Case.account_id == account_id, (Case.target_kind == "account") & (Case.target_id == account_id))


def _cases(session: Session, account_id: str) -> tuple[CaseSummary, ...]:
    rows = session.execute(select(Case).where(_case_filter(session, account_id), Case.known_answer.is_(None))
                           .order_by(Case.id.desc()).limit(LIMIT)).scalars()
    return tuple(case_summary(c) for c in rows)


def _reports(session: Session, account_id: str) -> tuple[ReportView, ...]:
    rows = session.execute(select(Report).join(Case, Case.id == Report.case_id)
                           .where(_case_filter(session, account_id)).order_by(Report.id.desc()).limit(LIMIT)).scalars()
    return tuple(report_view(r) for r in rows)


def _appeals(session: Session, account_id: str) -> tuple[AppealView, ...]:
    rows = session.execute(select(Appeal).where(Appeal.account_id == account_id).order_by(Appeal.id.desc())
                           .limit(LIMIT)).scalars()
    return tuple(appeal_view(a) for a in rows)


def _linked(session: Session, account: AccountRow, operator: OperatorRow | None) -> tuple[LinkedAccount, ...]:
    found: dict[str, LinkedAccount] = {}
    if operator is not None:
        for other in session.execute(select(AccountRow.id).where(AccountRow.operator_id == operator.id,
                                                                 AccountRow.id != account.id)).scalars():
            found.setdefault(other, LinkedAccount(other, "operator", operator.id))
        if operator.identity_digest:
            twins = select(OperatorRow.id).where(OperatorRow.identity_digest == operator.identity_digest,
                                                 OperatorRow.id != operator.id)
            for other, via in session.execute(select(AccountRow.id, AccountRow.operator_id)
                                              .where(AccountRow.operator_id.in_(twins))):
                found.setdefault(other, LinkedAccount(other, "identity", via))
    targets = select(DrainageEdgeRow.target_id).where(DrainageEdgeRow.account_id == account.id)
    shared = (select(DrainageEdgeRow.account_id, DrainageTargetRow.kind, DrainageTargetRow.value)
              .join(DrainageTargetRow, DrainageTargetRow.id == DrainageEdgeRow.target_id)
              .where(DrainageEdgeRow.target_id.in_(targets), DrainageEdgeRow.account_id.is_not(None),
                     DrainageEdgeRow.account_id != account.id).distinct().limit(LIMIT))
    for other, kind, value in session.execute(shared):
        found.setdefault(other, LinkedAccount(other, "target", f"{kind}:{value}"))
    return tuple(sorted(found.values(), key=lambda link: (link.how, link.account_id)))


def operator_page(session: Session, operator_id: str, catalogue: Catalogue) -> OperatorPage:
    from qinglang.services.accounts import account_dict, operator_dict

    row = get_operator_row(session, operator_id)
    accounts = session.execute(select(AccountRow).where(AccountRow.operator_id == row.id)
                               .order_by(AccountRow.id)).scalars()
    twins = session.execute(select(OperatorRow.id).where(OperatorRow.identity_digest == row.identity_digest,
                                                         OperatorRow.id != row.id)).scalars() if row.identity_digest else []
    return OperatorPage(operator_dict(row), tuple(operator_licences(session, row.id, catalogue)),
                        tuple(account_dict(a) for a in accounts), tuple(twins))
