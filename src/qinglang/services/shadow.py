"""Shadow differences: where the shadow policy decided otherwise than the live one, as stored at screening.

``services.contents`` writes a ``shadow_decisions`` row in the transaction that stores a content version,
only when the shadow policy's (verdict, category) differs from the live one. This module reads them back a page
at a time, newest first, with the content they belong to, and counts them by (live, shadow) verdict for the
console's summary. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from qinglang.storage.tables.core import ContentVersionRow, ShadowDecisionRow

VERDICTS = ("pass", "review", "block")


@dataclass(frozen=True, slots=True)
class ShadowDifference:
    id: int
    content_id: str
    version: str
    version_pk: int
    account_id: str | None
    title: str
    live_verdict: str
    live_category: str
    shadow_verdict: str
    shadow_category: str
    live_policy: str  # "id version"
    shadow_policy: str
    created_at: datetime

    @property
    def direction(self) -> str:
        """``stricter`` when the shadow verdict is harsher, ``looser`` when milder, ``category`` otherwise."""
        live, shadow = VERDICTS.index(self.live_verdict), VERDICTS.index(self.shadow_verdict)
        return "stricter" if shadow > live else "looser" if shadow < live else "category"


@dataclass(frozen=True, slots=True)
class DifferenceFilter:
    shadow_policy_version: str | None = None
    live_verdict: str | None = None
    shadow_verdict: str | None = None


def _filtered(stmt: Select, where: DifferenceFilter) -> Select:
    if where.shadow_policy_version is not None:
        stmt = stmt.where(ShadowDecisionRow.shadow_policy_version == where.shadow_policy_version)
    if where.live_verdict is not None:
        stmt = stmt.where(ShadowDecisionRow.live_verdict == where.live_verdict)
    if where.shadow_verdict is not None:
        stmt = stmt.where(ShadowDecisionRow.shadow_verdict == where.shadow_verdict)
    return stmt


def list_differences(session: Session, where: DifferenceFilter = DifferenceFilter(), *, before_id: int = 0,
                     limit: int = 100) -> list[ShadowDifference]:
    """The newest differences first; ``before_id`` (the last id of the previous page) continues a listing."""
    stmt = (select(ShadowDecisionRow, ContentVersionRow)
            .join(ContentVersionRow, ContentVersionRow.pk == ShadowDecisionRow.content_version_id))
    stmt = _filtered(stmt, where)
    if before_id > 0:
        stmt = stmt.where(ShadowDecisionRow.id < before_id)
    rows = session.execute(stmt.order_by(ShadowDecisionRow.id.desc()).limit(max(1, min(limit, 1000))))
    return [_view(d, v) for d, v in rows]


def count_by_verdicts(session: Session, where: DifferenceFilter = DifferenceFilter()) -> dict[tuple[str, str], int]:
    """How many differences there are per (live verdict, shadow verdict)."""
    stmt = _filtered(select(ShadowDecisionRow.live_verdict, ShadowDecisionRow.shadow_verdict, func.count())
                     .group_by(ShadowDecisionRow.live_verdict, ShadowDecisionRow.shadow_verdict), where)
    return {(live, shadow): n for live, shadow, n in session.execute(stmt)}


def _view(d: ShadowDecisionRow, v: ContentVersionRow) -> ShadowDifference:
    return ShadowDifference(d.id, v.content_id, v.version, v.pk, v.account_id, v.title[:200], d.live_verdict,
                            d.live_category, d.shadow_verdict, d.shadow_category,
                            f"{d.live_policy_id} {d.live_policy_version}".strip(),
                            f"{d.shadow_policy_id} {d.shadow_policy_version}".strip(), d.created_at)
