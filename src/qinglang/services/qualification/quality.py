"""Content quality with storage: each new content version is assessed (:func:`qinglang.grading.assess_quality`)
in the transaction that stores it, and the account's credit is marked for recomputation.

Originality is stored ``pending`` ("not measured", which keeps the work off the excellent list): measuring it
needs the corpus's near-duplicate index, so the worker measures pending versions in batches and re-scores their
assessments (:mod:`~qinglang.services.qualification.originality`). An exact copy is found there too (similarity 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from qinglang.domain import ContentItem, Signal
from qinglang.grading import QualityAssessment, assess_quality
from qinglang.services.qualification import credit
from qinglang.storage.tables.core import ContentVersionRow
from qinglang.storage.tables.qualification import QualityAssessmentRow


def assess_version(session: Session, row: ContentVersionRow, item: ContentItem,
                   signals: Sequence[Signal]) -> QualityAssessment:
    """Assess and store the quality of one stored version (originality pending); marks its account's credit."""
    result = assess_quality(item, signals)
    session.add(QualityAssessmentRow(
        content_version_id=row.pk, account_id=row.account_id, score=result.score, band=result.band.value,
        flags=sorted(f.value for f in result.flags),
        components=[{"key": c.key, "value": c.value, "points": c.points, "reason": c.reason.to_dict()}
                    for c in result.components], version=_version(), originality_state="pending"))
    credit.mark(session, row.account_id, "content.assessed")
    return result


def _version() -> str:
    from qinglang.grading import QUALITY_VERSION

    return QUALITY_VERSION
