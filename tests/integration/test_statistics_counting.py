"""Counting daily figures from the database, on SQLite and PostgreSQL: a known mix of activity over three days
(``qinglang.testing.activity``), the figures the test expects worked out from the scenario's own ledger, and the
daily-figures table written idempotently, read back, recounted and kept current by the worker."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from review_support import sessions_for
from sqlalchemy import func, select

from qinglang.config import StatisticsSettings
from qinglang.services.review import overdue
from qinglang.services.statistics import daily
from qinglang.services.statistics.counting import count_day
from qinglang.statistics.periods import day_window
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import Case
from qinglang.storage.tables.statistics import DailyFiguresRow
from qinglang.testing.activity import DAYS, ZONE, Scenario, moment
from qinglang.workers.statistics import StatisticsDuty


@pytest.fixture
def seeded(database_url):
    with sessions_for(database_url) as factory:
        ledger = Scenario(factory).run()
        yield factory, ledger


def _cross(rows, a, b):
    out: dict = {}
    for r in rows:
        out.setdefault(r[a], Counter())[r[b]] += 1
    return {k: dict(v) for k, v in out.items()}


def test_each_day_counts_what_the_scenario_did(seeded):
    factory, ledger = seeded
    for day in DAYS:
        with transaction(factory) as s:
            f = count_day(s, day, ZONE).figures
        one = (day,)
        screened = ledger.find("screened", one)
        assert f.screening.verdicts == _cross(screened, "category", "verdict")
        assert f.screening.detector_hits == dict(Counter(d for r in screened for d in r["hits"]))
        assert f.screening.detector_failures == dict(Counter(d for r in screened for d in r["failed"]))
        assert f.decisions.outcomes == _cross(ledger.find("decided", one), "queue", "outcome")
        assert f.reports.received == ledger.count("report", one)
        assert f.reports.merged == ledger.count("report", one, merged=True)
        handled = ledger.find("handled", one)
        assert f.reports.handled == len(handled)
        assert f.reports.verified == sum(h["verified"] for h in handled)
        assert f.reports.handled_within_sla == sum(h["within_sla"] for h in handled)
        assert f.reports.time_to_handle.seconds == tuple(sorted(h["seconds"] for h in handled))
        assert f.actions.by_kind == dict(Counter(a["kind"] for a in ledger.find("action", one)))
        assert f.actions.reverted == ledger.count("action_reverted", one)
        assert f.lists.added == _cross(ledger.find("list_added", one), "list", "kind")
        assert f.lists.removed == _cross(ledger.find("list_removed", one), "list", "kind")
        assert f.appeals.received == ledger.count("appeal_filed", one)
        assert f.appeals.overturned == ledger.count("appeal_decided", one, status="overturned")
        assert f.rewards.credited_cents == sum(r["cents"] for r in ledger.find("credited", one))
        assert f.rewards.paid_cents == sum(r["cents"] for r in ledger.find("paid", one))
        assert f.rewards.refused == ledger.count("refused", one)
        _team(f.team.reviewers, ledger, one)


def _team(reviewers, ledger, one):
    names = {r["reviewer"] for w in ("decided", "second_review", "calibration") for r in ledger.find(w, one)}
    assert set(reviewers) == names
    for name in names:
        mine = ledger.find("decided", one, reviewer=name)
        got = reviewers[name]
        assert got.decisions == len(mine)
        assert got.time_per_case.seconds == tuple(sorted(r["seconds"] for r in mine))
        judged = ledger.find("second_review", one, reviewer=name)
        assert (got.second_reviewed, got.second_agreed) == (len(judged), sum(r["agreed"] for r in judged))
        answered = ledger.find("calibration", one, reviewer=name)
        assert (got.calibration_answered, got.calibration_agreed) == (len(answered), sum(r["agreed"] for r in answered))


def test_stocks_ids_and_works_at_the_end_of_each_day(seeded):
    factory, _ = seeded
    with transaction(factory) as s:
        d1, d2, d3 = (count_day(s, day, ZONE).figures for day in DAYS)
    # the account report of day 1 (due 22:08 local) is still open at midnight: open and overdue
    assert (d1.reports.open_at_end, d1.reports.overdue_at_end) == (1, 1)
    assert (d2.reports.open_at_end, d3.reports.open_at_end) == (0, 0)
    assert d1.works.articles == {"d1-4"} and d2.works.chapters == {"book7-ch1"} and d2.works.books == {"book-7"}
    assert d2.accounts.suspended == {"acc-2"} and d3.accounts.closed == {"acc-3"} and not d1.accounts.closed
    assert d1.lists.active_at_end == {"block": {"domain": 1}}
    assert d2.lists.active_at_end == {"block": {"domain": 1, "contact": 1}}
    assert d3.lists.active_at_end == {"block": {"contact": 1}}
    assert (d2.appeals.open_at_end, d3.appeals.open_at_end) == (1, 0)
    assert d2.rewards.paid == 1 and d3.rewards.refused == 1 and d1.rewards.credited == 2


def test_recounting_is_idempotent_and_a_period_aggregates_the_stored_days(seeded):
    factory, ledger = seeded
    first = daily.recount_range(factory, DAYS[0], DAYS[-1], ZONE)
    again = daily.recount_range(factory, DAYS[0], DAYS[-1], ZONE)
    assert [d.figures for d in first] == [d.figures for d in again]
    with transaction(factory) as s:
        assert s.execute(select(func.count()).select_from(DailyFiguresRow)).scalar_one() == len(DAYS)
        stored = daily.read_days(s, DAYS[0], DAYS[-1], ZONE)
        chosen = daily.period(s, DAYS[0], DAYS[-1], ZONE)
    assert [d.figures for d in stored] == [d.figures for d in first]
    p = chosen.period.figures
    assert p.reports.received == ledger.count("report") and p.reports.handled == ledger.count("handled")
    assert p.accounts.suspended == {"acc-2"} and p.accounts.closed == {"acc-3"}
    assert p.team.reviewers["rev1"].decisions == ledger.count("decided", reviewer="rev1")
    assert chosen.period.complete and chosen.previous is None  # the three days before were never counted


def test_worker_keeps_yesterday_and_today_current_and_escalates_overdue_cases_once(seeded):
    factory, _ = seeded
    settings = StatisticsSettings(time_zone=ZONE)
    with time_machine.travel(moment(DAYS[2], "15:00"), tick=False):
        done = StatisticsDuty(factory, settings).run()
        again = StatisticsDuty(factory, settings).run()
    assert done["recounted"] == 2 and again["escalated"] == 0
    with transaction(factory) as s:
        assert list(daily.stored_days(s, ZONE)) == [DAYS[1], DAYS[2]]
        overdue_left = s.execute(overdue.overdue_query(moment(DAYS[2], "15:00"))).scalars().all()
        escalated = s.execute(select(AuditEventRow).where(AuditEventRow.action == "case.escalated")).scalars().all()
        raised = s.execute(select(Case).where(Case.tier >= overdue.SENIOR_TIER, Case.known_answer.is_(None),
                                              Case.status != "closed")).scalars().all()
    # the review verdicts of day 1 and day 2 (12-hour SLA) are overdue by day 3's afternoon; day 3's is not
    assert done["escalated"] == 2 == len(escalated) == len(raised) and not overdue_left
    assert {e.actor for e in escalated} == {"worker"} and all(e.data["reason"] == "overdue" for e in escalated)


def test_a_day_is_its_local_calendar_day():
    window = day_window(DAYS[0], ZONE)
    assert window.start == moment(DAYS[0], "00:00") and window.end - window.start == timedelta(hours=24)


def test_workers_running_at_once_escalate_each_case_once_and_keep_one_row_per_day(seeded):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    factory, _ = seeded
    settings = StatisticsSettings(time_zone=ZONE)
    barrier = threading.Barrier(6)

    def duty(_):
        barrier.wait()
        try:
            return StatisticsDuty(factory, settings).run()
        except Exception as exc:  # noqa: BLE001 - a refused pass is reported, not hidden
            return {"error": repr(exc)}

    with time_machine.travel(moment(DAYS[2], "15:00"), tick=True), ThreadPoolExecutor(6) as pool:
        done = list(pool.map(duty, range(6)))
    assert not [d for d in done if "error" in d], done
    with transaction(factory) as s:
        escalated = s.execute(select(AuditEventRow.subject_id).where(AuditEventRow.action == "case.escalated")).all()
        rows = s.execute(select(func.count()).select_from(DailyFiguresRow)).scalar_one()
    assert sum(d["escalated"] for d in done) == len(escalated) == len({e[0] for e in escalated}) == 2
    assert rows == 2
