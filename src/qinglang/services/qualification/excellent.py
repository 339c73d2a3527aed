"""Excellent works (优质内容) with storage: the candidates of a period read from the rows, ranked by
:func:`qinglang.grading.rank_excellent`, and the same list as CSV.

A candidate is the newest version of a content received within the period, with its current decision's verdict
and its stored quality assessment; a version whose originality is still pending is a candidate the ranking leaves
out as ``originality_unknown`` (the worker measures it, see :mod:`~qinglang.services.qualification.originality`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.domain import Verdict
from qinglang.grading import ExcellentList, QualityBand, QualityComponent, QualityFlag, QualitySummary, WorkCandidate
from qinglang.grading import rank_excellent as rank
from qinglang.qualification.reasons import Reason
from qinglang.statistics.periods import period_window
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow
from qinglang.storage.tables.qualification import QualityAssessmentRow

LIMIT = 50
LEFT_OUT_CODES = ("out_of_period", "not_passed", "duplicate", "flagged", "originality_unknown",
                  "not_original_enough", "below_score", "account_limit", "beyond_limit")


@dataclass(frozen=True, slots=True)
class ExcellentPage:
    """The period (local days, inclusive), the ranked list and the titles of the works named on it."""

    first: date
    last: date
    result: ExcellentList
    titles: dict[str, str]


def _summary(row: QualityAssessmentRow) -> QualitySummary:
    components = tuple(QualityComponent(c["key"], c["value"], c["points"], Reason(
        c["reason"]["code"], c["reason"]["zh"], c["reason"]["en"], c["reason"].get("data") or {}))
        for c in row.components)
    originality = row.originality if row.originality_state == "measured" else None
    return QualitySummary(row.score, QualityBand(row.band), frozenset(QualityFlag(f) for f in row.flags),
                          originality, components, row.duplicate_of)


def candidates(session: Session, first: date, last: date, time_zone: str) -> tuple[list[WorkCandidate], dict]:
    """The newest version of every content received within the local days ``first..last``, and their titles."""
    window = period_window(first, last, time_zone)
    newest = select(func.max(ContentVersionRow.pk)).group_by(ContentVersionRow.content_id).scalar_subquery()
    stmt = (select(ContentVersionRow, QualityAssessmentRow, DecisionRow.verdict)
            .join(QualityAssessmentRow, QualityAssessmentRow.content_version_id == ContentVersionRow.pk)
            .outerjoin(DecisionRow, (DecisionRow.content_version_id == ContentVersionRow.pk) & DecisionRow.is_current)
            .where(ContentVersionRow.pk.in_(newest), ContentVersionRow.received_at >= window.start,
                   ContentVersionRow.received_at < window.end)
            .order_by(ContentVersionRow.pk))
    found, titles = {}, {}
    for version, quality, verdict in session.execute(stmt):
        found[version.content_id] = WorkCandidate(version.content_id, version.account_id or "", version.received_at,
                                                  Verdict(verdict or "review"), _summary(quality))
        titles[version.content_id] = version.title or ""
    return list(found.values()), titles


def excellent_page(session: Session, first: date, last: date, time_zone: str, *, limit: int = LIMIT) -> ExcellentPage:
    """The excellent works of the local days ``first..last``, best first, with why the others were left out."""
    works, titles = candidates(session, first, last, time_zone)
    window = period_window(first, last, time_zone)
    return ExcellentPage(first, last, rank(works, start=window.start, end=window.end, limit=limit), titles)


def to_csv(page: ExcellentPage, lang: str = "zh") -> str:
    """The list as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese): one row per work."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["rank", "content_id", "title", "account_id", "score", "originality", "reasons"])
    for w in page.result.works:
        writer.writerow([w.rank, w.content_id, page.titles.get(w.content_id, ""), w.account_id, f"{w.score:g}",
                         f"{w.originality:.2f}", "; ".join(r.text(lang) for r in w.reasons)])
    return out.getvalue()
