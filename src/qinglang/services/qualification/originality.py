"""Originality: how much of a content version is its own, measured against the near-duplicate index.

A version's quality is assessed when it is stored (:mod:`~qinglang.services.qualification.quality`); its
originality is left ``pending`` there, because measuring it needs the whole corpus's index, too much work for a
submission. The worker measures pending versions in batches (:func:`measure_pending`):

1. **Claim** up to ``limit`` pending assessments, oldest version first (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so two workers take different rows).
2. **Index** the corpus once for the batch (:func:`qinglang.services.similarity.corpus_index`, the index sweeps
   search) and search it with each version's stored fingerprint, under the project's near-duplicate rule
   (:data:`qinglang.similarity.DEFAULT_RULE`).
3. **Keep** only matches that are *earlier* content (its first version was stored before this version, and
   before the account's own first work with the same wording) of *another* account; the strongest is scored as sweeps score a near-duplicate, ``max(similarity, containment)``, and
   ``originality = 1 - strongest`` (1 when nothing matches).
4. **Re-score** the stored assessment with it (:func:`qinglang.grading.with_originality`) by compare-and-set on
   ``originality_state = 'pending'``: of two workers measuring one version, one writes it. The winner appends
   ``content.originality_measured`` to the audit chain and marks the account's credit, which the commit
   recomputes (:mod:`~qinglang.services.qualification.credit`), so the grade follows through the one path.

An exact copy of another account's earlier work scores similarity 1, so originality 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qinglang.grading import QualityComponent, QualityFlag, with_originality
from qinglang.qualification.reasons import Reason
from qinglang.services import similarity
from qinglang.services.qualification import credit
from qinglang.similarity import SCHEME, Match, TextFingerprint, TextIndex, fingerprint
from qinglang.similarity.encoding import decode
from qinglang.storage.base import utcnow
from qinglang.storage.sql_audit import append_audit_event
from qinglang.storage.tables.core import ContentVersionRow
from qinglang.storage.tables.qualification import QualityAssessmentRow
from qinglang.storage.tables.similarity import TextFingerprintRow

PENDING, MEASURED = "pending", "measured"
MEASURED_EVENT = "content.originality_measured"


@dataclass(frozen=True, slots=True)
class Originality:
    """A version's measured originality and the earlier content of another account it resembles most."""

    value: float
    duplicate_of: str | None = None
    similarity: float = 0.0
    containment: float = 0.0


def strength(match: Match) -> float:
    """How strongly a near-duplicate match holds, as a sweep scores it."""
    return max(match.similarity, match.containment)


def pending(session: Session, limit: int) -> Sequence[QualityAssessmentRow]:
    """Up to ``limit`` assessments whose originality is pending, oldest version first (leased on PostgreSQL)."""
    stmt = (select(QualityAssessmentRow).where(QualityAssessmentRow.originality_state == PENDING)
            .order_by(QualityAssessmentRow.content_version_id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.execute(stmt).scalars().all()


def version_fingerprint(session: Session, version: ContentVersionRow) -> TextFingerprint:
    """The version's stored fingerprint, or one made from its text when none of this scheme is stored."""
    stored = session.scalar(select(TextFingerprintRow).where(TextFingerprintRow.content_version_pk == version.pk))
    if stored is not None and stored.scheme == SCHEME:
        try:
            return decode(stored.data)
        except ValueError:
            pass  # damaged: made again from the text
    return fingerprint(similarity.version_text(version))


def _first_versions(session: Session, content_ids: set[str]) -> dict[str, int]:
    if not content_ids:
        return {}
    stmt = (select(ContentVersionRow.content_id, func.min(ContentVersionRow.pk))
            .where(ContentVersionRow.content_id.in_(content_ids)).group_by(ContentVersionRow.content_id))
    return {content_id: pk for content_id, pk in session.execute(stmt)}


def measure(session: Session, index: TextIndex, version: ContentVersionRow) -> Originality:
    """The version's originality against earlier content of other accounts in ``index``.

    "Earlier" is before this version, and before the account's own first work with the same wording: when
    another account copied the chapter, the author's repost of it (or a new version of it) is no copy."""
    matches = index.search(version_fingerprint(session, version))
    first = _first_versions(session, {m.key.content_id for m in matches} | {version.content_id})
    own = [first[m.key.content_id] for m in matches if not _other_account(m.key.account_id, version.account_id)]
    before = min([version.pk, first.get(version.content_id, version.pk), *own])
    earlier = [m for m in matches if m.key.content_id != version.content_id
               and _other_account(m.key.account_id, version.account_id) and first[m.key.content_id] < before]
    if not earlier:
        return Originality(1.0)
    best = max(earlier, key=lambda m: (strength(m), -first[m.key.content_id]))
    return Originality(round(1.0 - strength(best), 4), best.key.content_id, best.similarity, best.containment)


def _other_account(theirs: str | None, ours: str | None) -> bool:
    return theirs != ours  # as SQL's IS DISTINCT FROM: two contents without an account are not "other"


def record(session: Session, row: QualityAssessmentRow, found: Originality, *, trigger: str) -> bool:
    """Store ``found`` on a pending assessment by compare-and-set; False when another worker already did."""
    components = tuple(_component(c) for c in row.components)
    rescored = with_originality(components, frozenset(QualityFlag(f) for f in row.flags), found.value,
                                found.duplicate_of)
    changed = session.execute(
        update(QualityAssessmentRow)
        .where(QualityAssessmentRow.id == row.id, QualityAssessmentRow.originality_state == PENDING)
        .values(originality=found.value, duplicate_of=found.duplicate_of, originality_state=MEASURED,
                score=rescored.score, band=rescored.band.value, flags=sorted(f.value for f in rescored.flags),
                components=[_stored(c) for c in rescored.components], assessed_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False
    append_audit_event(session, "system", MEASURED_EVENT, "content_version", str(row.content_version_id),
                       {"originality": found.value, "duplicate_of": found.duplicate_of,
                        "similarity": found.similarity, "containment": found.containment, "score": rescored.score})
    credit.mark(session, row.account_id, trigger)
    return True


def measure_pending(session: Session, *, limit: int = 500) -> int:
    """Measure up to ``limit`` pending versions (the index is built once, only when some are pending); returns
    how many this call recorded."""
    rows = pending(session, limit)
    if not rows:
        return 0
    index = similarity.corpus_index(session)
    versions = {v.pk: v for v in session.scalars(select(ContentVersionRow).where(
        ContentVersionRow.pk.in_([r.content_version_id for r in rows])))}
    return sum(record(session, row, measure(session, index, versions[row.content_version_id]),
                      trigger="content.originality") for row in rows)


def _component(stored: dict) -> QualityComponent:
    why = stored["reason"]
    return QualityComponent(stored["key"], stored["value"], stored["points"],
                            Reason(why["code"], why["zh"], why["en"], why.get("data") or {}))


def _stored(c: QualityComponent) -> dict:
    return {"key": c.key, "value": c.value, "points": c.points, "reason": c.reason.to_dict()}
