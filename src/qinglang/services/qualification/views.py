"""What the edges read about licences and grades: view dataclasses built from rows, never the rows themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from qinglang.qualification import Catalogue
from qinglang.services.qualification import credit
from qinglang.services.qualification.licences import get_licence, list_licences
from qinglang.storage.tables.core import AccountRow
from qinglang.storage.tables.qualification import CreditScoreRow, LicenceRow


@dataclass(frozen=True, slots=True)
class LicenceView:
    id: int
    operator_id: str
    kind: str
    kind_name_zh: str
    kind_name_en: str
    number: str
    issuer: str
    scope: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None
    status: str
    submitted_by: str
    submitted_at: datetime
    reviewer: str | None
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    scan_media_id: int | None
    version: int


def licence_view(row: LicenceRow, catalogue: Catalogue) -> LicenceView:
    kind = catalogue.licence_kinds.get(row.kind)
    return LicenceView(row.id, row.operator_id, row.kind, kind.name_zh if kind else row.kind,
                       kind.name_en if kind else row.kind, row.number, row.issuer, tuple(row.scope or ()),
                       row.valid_from, row.valid_until, row.status, row.submitted_by, row.submitted_at,
                       row.reviewer_id, row.decided_by, row.decided_at, row.reason or "", row.scan_media_id,
                       row.version)


def find_licence_view(session: Session, licence_id: int, catalogue: Catalogue) -> LicenceView:
    return licence_view(get_licence(session, licence_id), catalogue)


def operator_licences(session: Session, operator_id: str, catalogue: Catalogue) -> list[LicenceView]:
    return [licence_view(r, catalogue) for r in list_licences(session, operator_id)]


@dataclass(frozen=True, slots=True)
class CreditView:
    id: int
    score: float
    grade: str
    computed_at: datetime
    trigger: str
    explanation: tuple[dict[str, Any], ...]
    change: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class GradeView:
    account_id: str
    grade: str | None
    score: float | None
    qualification_state: str
    qualification_reasons: tuple[dict[str, Any], ...]
    current: CreditView | None
    history: tuple[CreditView, ...] = field(default=())


def credit_view(row: CreditScoreRow) -> CreditView:
    return CreditView(row.id, row.score, row.grade, row.computed_at, row.trigger, tuple(row.explanation or ()),
                      tuple(row.change or ()))


def grade_view(session: Session, account: AccountRow, *, limit: int = 50) -> GradeView:
    rows = [credit_view(r) for r in credit.history(session, account.id, limit=limit)]
    return GradeView(account.id, account.quality_grade, account.credit_score, account.qualification_state,
                     tuple(account.qualification_reasons or ()), rows[0] if rows else None, tuple(rows))
