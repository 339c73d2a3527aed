"""Content quality with storage: each new content version is assessed (:func:`qinglang.grading.assess_quality`)
in the transaction that stores it, and the account's credit is marked for recomputation.

Originality: until a similarity index is available, only exact copies are recognised — a version whose content
hash an *other* account published earlier has originality 0 and names that content; any other version's
originality is "not measured" (``None``), which the assessment says and which keeps it off the excellent list.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain import ContentItem, Signal
from qinglang.grading import QualityAssessment, assess_quality
from qinglang.services.qualification import credit
from qinglang.storage.tables.core import ContentVersionRow
from qinglang.storage.tables.qualification import QualityAssessmentRow


def earlier_copy(session: Session, row: ContentVersionRow) -> str | None:
    """The id of earlier content with the same hash by another account, if any."""
    stmt = select(ContentVersionRow.content_id).where(
        ContentVersionRow.content_hash == row.content_hash, ContentVersionRow.pk < row.pk,
        ContentVersionRow.content_id != row.content_id)
    if row.account_id is not None:
        stmt = stmt.where(ContentVersionRow.account_id.is_distinct_from(row.account_id))
    return session.execute(stmt.order_by(ContentVersionRow.pk).limit(1)).scalar()


def assess_version(session: Session, row: ContentVersionRow, item: ContentItem,
                   signals: Sequence[Signal]) -> QualityAssessment:
    """Assess and store the quality of one stored version; marks its account's credit."""
    copy_of = earlier_copy(session, row)
    result = assess_quality(item, signals, originality=0.0 if copy_of else None, duplicate_of=copy_of)
    session.add(QualityAssessmentRow(
        content_version_id=row.pk, account_id=row.account_id, score=result.score, band=result.band.value,
        flags=sorted(f.value for f in result.flags),
        components=[{"key": c.key, "value": c.value, "points": c.points, "reason": c.reason.to_dict()}
                    for c in result.components], version=_version()))
    credit.mark(session, row.account_id, "content.assessed")
    return result


def _version() -> str:
    from qinglang.grading import QUALITY_VERSION

    return QUALITY_VERSION
