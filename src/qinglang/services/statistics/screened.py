"""Content versions screened by the live policy: counted by SQL ``GROUP BY`` (a day can hold many thousands)
and listed page by page with the same conditions, so a figure and its list agree.

A version counts on the day of its automatic decision (``decisions`` rows not made by a reviewer; a version
screened again counts again); its detectors are those with a stored signal (hits) or a ``detector_failed`` row
(failures), counted per decision like the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from qinglang.statistics.figures import ScreeningFigures
from qinglang.statistics.periods import Window
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow

FAILED = "detector_failed"


def automatic(window: Window):
    """The conditions of an automatic decision made in the window."""
    return (DecisionRow.created_at >= window.start, DecisionRow.created_at < window.end,
            ~DecisionRow.decided_by.like("reviewer:%"))


def count_screening(session: Session, window: Window) -> ScreeningFigures:
    verdicts: dict[str, dict[str, int]] = {}
    stmt = select(DecisionRow.category, DecisionRow.verdict, func.count()).where(*automatic(window)).group_by(
        DecisionRow.category, DecisionRow.verdict)
    for category, verdict, n in session.execute(stmt):
        verdicts.setdefault(category, {})[verdict] = n
    return ScreeningFigures(verdicts=verdicts, detector_hits=_by_detector(session, window, failed=False),
                            detector_failures=_by_detector(session, window, failed=True))


def _by_detector(session: Session, window: Window, *, failed: bool) -> dict[str, int]:
    label = SignalRow.label == FAILED if failed else SignalRow.label != FAILED
    stmt = (select(SignalRow.detector, func.count(distinct(DecisionRow.id)))
            .join(DecisionRow, DecisionRow.content_version_id == SignalRow.content_version_id)
            .where(*automatic(window), label).group_by(SignalRow.detector))
    return dict(session.execute(stmt).all())


@dataclass(frozen=True, slots=True)
class ScreenedItem:
    decision_id: int
    content_id: str
    version: str
    account_id: str | None
    title: str
    verdict: str
    category: str
    decided_at: datetime


def screened_query(window: Window, *, verdict: str | None = None, category: str | None = None,
                   detector: str | None = None, failed: bool = False):
    """The select of screened versions with the list page's filters (the same conditions the counts use)."""
    stmt = (select(DecisionRow.id, ContentVersionRow.content_id, ContentVersionRow.version,
                   ContentVersionRow.account_id, ContentVersionRow.title, DecisionRow.verdict, DecisionRow.category,
                   DecisionRow.created_at)
            .join(ContentVersionRow, ContentVersionRow.pk == DecisionRow.content_version_id).where(*automatic(window)))
    if verdict:
        stmt = stmt.where(DecisionRow.verdict == verdict)
    if category:
        stmt = stmt.where(DecisionRow.category == category)
    if detector:
        label = SignalRow.label == FAILED if failed else SignalRow.label != FAILED
        hit = select(SignalRow.id).where(SignalRow.content_version_id == DecisionRow.content_version_id,
                                         SignalRow.detector == detector, label)
        stmt = stmt.where(hit.exists())
    return stmt


def list_screened(session: Session, window: Window, *, offset: int = 0, limit: int = 100,
                  **filters) -> tuple[int, list[ScreenedItem]]:
    """(how many match, one page of them, oldest first)."""
    stmt = screened_query(window, **filters)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(DecisionRow.id).offset(offset).limit(limit))
    return total, [ScreenedItem(*row) for row in rows]
