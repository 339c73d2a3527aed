"""Account credit score and grade, and content quality: the pure core (no I/O, no clock).

- :mod:`~qinglang.grading.credit`: :func:`compute_credit` from an :class:`AccountRecord` -> :class:`CreditScore`
  (score 0-100, grade A-E, every factor's points).
- :mod:`~qinglang.grading.explain`: :func:`explain_credit` and :func:`explain_change`, Chinese and English.
- :mod:`~qinglang.grading.quality`: :func:`assess_quality` of one content version -> :class:`QualityAssessment`.
- :mod:`~qinglang.grading.bait`, :mod:`~qinglang.grading.promotion`, :mod:`~qinglang.grading.shape`: its parts
  (bait titles, drainage and ad density, length and structure).
- :mod:`~qinglang.grading.excellent`: :func:`rank_excellent`, the editors' list of excellent works per period.
"""

from qinglang.grading.bait import BaitAssessment, BaitHit, assess_title, default_phrases, parse_phrases
from qinglang.grading.credit import (
    CREDIT_VERSION,
    AccountRecord,
    CreditFactor,
    CreditScore,
    Grade,
    Violation,
    compute_credit,
    grade_of,
)
from qinglang.grading.excellent import (
    ExcellentList,
    LeftOutWork,
    QualitySummary,
    RankedWork,
    WorkCandidate,
    rank_excellent,
)
from qinglang.grading.explain import describe_factor, explain_change, explain_credit
from qinglang.grading.promotion import Promotion, measure_promotion
from qinglang.grading.quality import (
    QUALITY_VERSION,
    QualityAssessment,
    QualityBand,
    QualityComponent,
    QualityFlag,
    Rescored,
    assess_quality,
    with_originality,
)
from qinglang.grading.shape import TextShape, measure_shape

__all__ = [
    "CREDIT_VERSION", "QUALITY_VERSION", "AccountRecord", "BaitAssessment", "BaitHit", "CreditFactor", "CreditScore",
    "ExcellentList", "Grade", "LeftOutWork", "Promotion", "QualityAssessment", "QualityBand", "QualityComponent",
    "QualityFlag", "QualitySummary", "RankedWork", "Rescored", "TextShape", "Violation", "WorkCandidate",
    "assess_quality", "assess_title", "compute_credit", "default_phrases", "describe_factor", "explain_change",
    "explain_credit", "grade_of", "measure_promotion", "measure_shape", "parse_phrases", "rank_excellent",
    "with_originality",
]
