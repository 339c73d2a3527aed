"""The sweeps behind the sweep figures: sweeps completed in a window (``sweeps.finished_at``: a queued sweep
counts on the day the worker finished it; a failed one found nothing and is not counted) with what each found, as
``count_sweeps`` counts them and ``/console/sweeps`` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qinglang.domain.sweeps import SweepStatus
from qinglang.services.statistics.items import within
from qinglang.statistics.figures import SweepFigures
from qinglang.statistics.periods import Window
from qinglang.storage.tables.similarity import SweepItemRow, SweepRow


@dataclass(frozen=True, slots=True)
class SweepItem:
    id: int
    seed_kind: str
    seed_value: str
    seed_case_id: int | None
    finished_at: datetime
    contents: int  # contents found
    accounts: int  # distinct accounts of the contents found
    opened: int  # cases the sweep opened (contents with an open case already are found, not opened)


def sweeps_finished(session: Session, window: Window) -> list[SweepItem]:
    rows = session.scalars(select(SweepRow).where(SweepRow.status == SweepStatus.COMPLETED,
                                                  within(SweepRow.finished_at, window)).order_by(SweepRow.id)).all()
    accounts: dict[int, set[str]] = {r.id: set() for r in rows}
    if rows:
        stmt = select(SweepItemRow.sweep_id, SweepItemRow.account_id).where(
            SweepItemRow.sweep_id.in_(accounts), SweepItemRow.account_id.is_not(None))
        for sweep_id, account_id in session.execute(stmt):
            accounts[sweep_id].add(account_id)
    return [SweepItem(r.id, r.seed_kind, r.seed_value, r.seed_case_id, r.finished_at, r.found, len(accounts[r.id]),
                      r.opened) for r in rows]


def count_sweeps(session: Session, w: Window) -> SweepFigures:
    done = sweeps_finished(session, w)
    return SweepFigures(runs=len(done), contents_found=sum(s.contents for s in done),
                        accounts_found=sum(s.accounts for s in done), cases_opened=sum(s.opened for s in done))
