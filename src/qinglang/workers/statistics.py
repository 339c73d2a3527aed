"""The worker's statistics duties: keep yesterday's and today's daily figures current, and escalate overdue
cases. Run by ``ReviewWorker.run_once`` on every pass; recounting happens every ``recount_every_seconds``.

Yesterday is recounted as well as today because work done late in the evening (a case closed after midnight
UTC but before midnight in the platform's zone, a reward settled, a decision arriving after the day ended)
still changes it; older days are recounted on request (``qinglang stats recompute``).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session, sessionmaker

from qinglang.services.review import overdue
from qinglang.services.statistics import daily
from qinglang.storage.db import transaction

log = logging.getLogger("qinglang.worker.statistics")


class StatisticsDuty:
    def __init__(self, factory: sessionmaker[Session], settings) -> None:
        self.sessions = factory
        self.settings = settings
        self._last_recount = float("-inf")

    def run(self) -> dict[str, int]:
        done = {"escalated": 0, "recounted": 0}
        if self.settings.escalate_overdue:
            with transaction(self.sessions) as session:
                done["escalated"] = overdue.escalate_overdue(session)
        if time.monotonic() - self._last_recount >= self.settings.recount_every_seconds:
            self._last_recount = time.monotonic()
            start, end = daily.current_days(self.settings.time_zone)
            done["recounted"] = len(daily.recount_range(self.sessions, start, end, self.settings.time_zone))
        return done
