"""A known mix of activity over several days, driven through the real services with the clock set to chosen
moments, and a ledger of what was done — so a test can count the expected figures itself and compare them with
what the statistics, the dashboard and the reports say. Needs ``time-machine`` (a test dependency).

Three local days (Asia/Shanghai) from ``FIRST_DAY``: contents screened with a mix of verdicts, reports (one
merged into an open case), cases claimed and decided by two reviewers, a suspension, a chapter of a book taken
down, a severe close approved by a senior, an appeal overturned, rewards credited, paid and refused, register
entries added and removed, a calibration answer, and cases left open past their SLA. Nothing here is real
platform data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from qinglang.config import ReviewSettings
from qinglang.domain.review import CaseSource, TargetKind
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, ContentVersionRow, DecisionRow, SignalRow

ZONE = "Asia/Shanghai"
FIRST_DAY = date(2026, 11, 2)
DAYS = tuple(FIRST_DAY + timedelta(days=i) for i in range(3))
SECRET = "activity-secret"
REVIEW = ReviewSettings(reward_cents=1000, reward_cap_cents_per_month=20000)


@dataclass
class Ledger:
    """What the scenario did, one entry per thing a figure counts: ``(day, what, details)``."""

    entries: list[tuple[date, str, dict[str, Any]]] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)

    def add(self, day: date, what: str, **details: Any) -> None:
        self.entries.append((day, what, details))

    def count(self, what: str, days: tuple[date, ...] = DAYS, **match: Any) -> int:
        return len(self.find(what, days, **match))

    def find(self, what: str, days: tuple[date, ...] = DAYS, **match: Any) -> list[dict[str, Any]]:
        return [d for day, w, d in self.entries if w == what and day in days
                and all(d.get(k) == v for k, v in match.items())]


def moment(day: date, hh_mm: str) -> datetime:
    hours, minutes = (int(p) for p in hh_mm.split(":"))
    return datetime.combine(day, time(hours, minutes), ZoneInfo(ZONE))


class Scenario:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.sessions = factory
        self.ledger = Ledger()
        self._clock = None

    @contextmanager
    def at(self, day: date, hh_mm: str) -> Iterator[Session]:
        """One transaction with the clock at local ``hh_mm`` of ``day``."""
        self._clock.move_to(moment(day, hh_mm))
        with transaction(self.sessions) as session:
            yield session

    def run(self) -> Ledger:
        import time_machine

        with time_machine.travel(moment(DAYS[0], "08:00"), tick=False) as clock:
            self._clock = clock
            self._people()
            self._day_one(DAYS[0])
            self._day_two(DAYS[1])
            self._day_three(DAYS[2])
        return self.ledger

    # --- building blocks ----------------------------------------------------------------------------------------

    def _people(self) -> None:
        from qinglang.services.review import users

        with self.at(DAYS[0], "08:00") as s:
            for name, role in (("rev1", "reviewer"), ("rev2", "reviewer"), ("sen", "senior"), ("lead", "lead")):
                self.ledger.users[name] = users.create_user(s, name, f"password-{name}", role, actor="test")
            for i in range(1, 5):
                s.add(AccountRow(id=f"acc-{i}", name=f"公众号{i}", followers=1000 * i))

    def _screen(self, day: date, hh_mm: str, content_id: str, verdict: str, category: str, *, account: str = "acc-1",
                hits: tuple[str, ...] = (), failed: tuple[str, ...] = (), book: str | None = None) -> None:
        from qinglang.services.review import cases

        with self.at(day, hh_mm) as s:
            row = ContentVersionRow(content_id=content_id, version="1", account_id=account, title=f"标题 {content_id}",
                                    body_text="正文", content_hash=content_id, book_id=book,
                                    kind="chapter" if book else "article", chapter=1 if book else None)
            s.add(row)
            s.flush()
            s.add(DecisionRow(content_version_id=row.pk, verdict=verdict, category=category, decided_by="policy"))
            for detector in hits:
                s.add(SignalRow(content_version_id=row.pk, detector=detector, label=f"{category}/x", score=0.9))
            for detector in failed:
                s.add(SignalRow(content_version_id=row.pk, detector=detector, label="detector_failed", score=0.0))
            if verdict == "review":
                new = cases.NewCase(TargetKind.CONTENT, content_id, CaseSource.VERDICT, category, 2)
                cases.open_case(s, new, sla_hours=REVIEW.sla_hours, actor="policy")
        self.ledger.add(day, "screened", verdict=verdict, category=category, hits=hits, failed=failed)

    def _report(self, day: date, hh_mm: str, target: str, reason: str, ip: str, *, contact: str = "",
                kind: str = "content", merged: bool = False) -> int:
        from qinglang.services.review import reports

        with self.at(day, hh_mm) as s:
            new = reports.NewReport(target_kind=kind, target_id=target, reason=reason, text="举报", contact=contact,
                                    ip=ip)
            filed = reports.file_report(s, new, review=REVIEW, secret=SECRET)
        self.ledger.add(day, "report", target=target, reason=reason, merged=merged, at=moment(day, hh_mm))
        return filed.case_id

    def _claim(self, day: date, hh_mm: str, case_id: int, who: str) -> None:
        from qinglang.services.review import queue

        with self.at(day, hh_mm) as s:
            queue.claim_case(s, case_id, self.ledger.users[who], lease_seconds=3600)

    def _decide(self, day: date, hh_mm: str, case_id: int, who: str, choice: str, **params: Any) -> Any:
        from qinglang.services.review import decisions

        with self.at(day, hh_mm) as s:
            return decisions.decide(s, case_id, self.ledger.users[who], choice, "依据平台规则处理", review=REVIEW,
                                    params=params)

    def _handled(self, day: date, hh_mm: str, case_id: int, reviewer: str, claimed: str, queue: str, source: str,
                 outcome: str, reports: list[tuple[datetime, datetime, bool]], decided: str | None = None) -> None:
        """Ledger: a case closed at ``hh_mm`` (the reviewer's own decision at ``decided``, when a second senior
        closed it later) and the reports it settled: (received, due, verified)."""
        closed = moment(day, hh_mm)
        own = moment(day, decided or hh_mm)
        self.ledger.add(day, "decided", reviewer=reviewer, queue=queue, source=source, outcome=outcome,
                        seconds=int((own - moment(day, claimed)).total_seconds()))
        for received, due, verified in reports:
            self.ledger.add(day, "handled", verified=verified, within_sla=closed <= due,
                            seconds=int((closed - received).total_seconds()))

    def _due(self, day: date, hh_mm: str, severity: int = 2) -> datetime:
        return moment(day, hh_mm) + timedelta(hours=REVIEW.sla_hours[str(severity)])

    # --- the days ---------------------------------------------------------------------------------------------

    def _day_one(self, d: date) -> None:
        from qinglang.services import lists

        for i, (verdict, category) in enumerate((("pass", "none"), ("pass", "none"), ("pass", "none"),
                                                 ("review", "illicit_ad"), ("block", "porn"), ("block", "porn"))):
            self._screen(d, f"09:{i:02d}", f"d1-{i}", verdict, category,
                         hits=("lexicon",) if verdict != "pass" else (), failed=("classifier",) if i == 0 else ())
        self.case_a = self._report(d, "10:05", "d1-4", "porn", "10.0.0.1", contact="u1")
        self._report(d, "10:06", "d1-4", "porn", "10.0.0.2", contact="u2", merged=True)
        case_b = self._report(d, "10:07", "d1-5", "gambling", "10.0.0.3", contact="u3")
        self.case_acc2 = self._report(d, "10:08", "acc-2", "illicit_ad", "10.0.0.4", kind="account")
        self._claim(d, "10:10", self.case_a, "rev1")
        outcome = self._decide(d, "10:30", self.case_a, "rev1", "take_down")
        self.take_down_id = outcome.action_ids[0]
        self.ledger.add(d, "action", kind="take_down", work="article")
        self._handled(d, "10:30", self.case_a, "rev1", "10:10", "porn", "report", "violation",
                      [(moment(d, "10:05"), self._due(d, "10:05"), True), (moment(d, "10:06"), self._due(d, "10:05"), True)])
        self.ledger.add(d, "credited", cents=1000)
        self.ledger.add(d, "credited", cents=1000)
        self._claim(d, "10:15", case_b, "rev2")
        self._decide(d, "10:45", case_b, "rev2", "pass")
        self._handled(d, "10:45", case_b, "rev2", "10:15", "gambling", "report", "no_violation",
                      [(moment(d, "10:07"), self._due(d, "10:07"), False)])
        with self.at(d, "11:00") as s:
            self.domain_entry = lists.add_entry(s, lists.NewListEntry("block", "domain", "bad-d1.example", "引流"),
                                                actor="reviewer:lead").id
        self.ledger.add(d, "list_added", list="block", kind="domain")

    def _day_two(self, d: date) -> None:
        from qinglang.services import lists
        from qinglang.services.review import appeals, calibration, queries, rewards

        self._claim(d, "09:00", self.case_acc2, "rev1")
        self._decide(d, "09:20", self.case_acc2, "rev1", "suspend", days="7")
        self.ledger.add(d, "action", kind="suspend", account="acc-2")
        self._handled(d, "09:20", self.case_acc2, "rev1", "09:00", "illicit_ad", "report", "violation",
                      [(moment(DAYS[0], "10:08"), self._due(DAYS[0], "10:08"), True)])
        with self.at(d, "09:30") as s:
            self.appeal_id = appeals.file_appeal(s, self.take_down_id, "acc-1", "我们已删除违规内容，请求恢复").id
        self.ledger.add(d, "appeal_filed")
        with self.at(d, "10:00") as s:
            oldest = min(r.id for r in queries.list_rewards(s))
            rewards.settle_reward(s, oldest, self.ledger.users["lead"], True)
        self.ledger.add(d, "paid", cents=1000)
        for i, (verdict, category) in enumerate((("pass", "none"), ("review", "porn"), ("block", "gambling"),
                                                 ("block", "porn"))):
            self._screen(d, f"10:3{i}", f"d2-{i}", verdict, category, account="acc-3",
                         hits=("contacts", "lexicon") if verdict == "block" else ())
        with self.at(d, "11:00") as s:
            calibration_case = calibration.seed_known_answer(
                s, self.ledger.users["lead"], target_kind="content", target_id="cal-1", queue="porn",
                known_answer="take_down", title="校准", body="校准案件", review=REVIEW).id
        self._claim(d, "11:05", calibration_case, "rev2")
        self._decide(d, "11:10", calibration_case, "rev2", "take_down")
        self.ledger.add(d, "calibration", reviewer="rev2", agreed=True)
        with self.at(d, "11:20") as s:
            lists.add_entry(s, lists.NewListEntry("block", "contact", "vx-abc123", "引流"), actor="reviewer:lead")
        self.ledger.add(d, "list_added", list="block", kind="contact")
        self._screen(d, "11:25", "book7-ch1", "pass", "none", account="acc-4", book="book-7")
        case_c = self._report(d, "11:30", "book7-ch1", "porn", "10.0.0.5", contact="u5")
        self._claim(d, "11:35", case_c, "rev2")
        self._decide(d, "11:50", case_c, "rev2", "take_down")
        self.ledger.add(d, "action", kind="take_down", work="chapter", book="book-7")
        self._handled(d, "11:50", case_c, "rev2", "11:35", "porn", "report", "violation",
                      [(moment(d, "11:30"), self._due(d, "11:30"), True)])
        self.ledger.add(d, "credited", cents=1000)

    def _day_three(self, d: date) -> None:
        from qinglang.services import lists
        from qinglang.services.review import appeals, decisions, queries, rewards

        with self.at(d, "09:00") as s:
            appeals.decide_appeal(s, self.appeal_id, self.ledger.users["sen"], True, "证据不足，撤销下架")
        self.ledger.add(d, "appeal_decided", status="overturned")
        self.ledger.add(d, "second_review", reviewer="rev1", agreed=False)
        self.ledger.add(d, "action", kind="revert")
        self.ledger.add(d, "action_reverted")
        case_d = self._report(d, "09:10", "acc-3", "porn", "10.0.0.6", kind="account")
        self._claim(d, "09:15", case_d, "rev1")
        outcome = self._decide(d, "09:30", case_d, "rev1", "close")
        with self.at(d, "09:45") as s:
            decisions.settle_approval(s, outcome.approval_id, self.ledger.users["sen"], True, "同意关闭", review=REVIEW)
        self.ledger.add(d, "action", kind="close", account="acc-3")
        self.ledger.add(d, "second_review", reviewer="rev1", agreed=True)
        self._handled(d, "09:45", case_d, "rev1", "09:15", "porn", "report", "violation",
                      [(moment(d, "09:10"), self._due(d, "09:10"), True)], decided="09:30")
        with self.at(d, "10:00") as s:
            newest = queries.list_rewards(s, status="credited")[0].id
            rewards.settle_reward(s, newest, self.ledger.users["lead"], False)
        self.ledger.add(d, "refused")
        with self.at(d, "10:10") as s:
            lists.remove_entry(s, self.domain_entry, actor="reviewer:lead", reason="误报")
        self.ledger.add(d, "list_removed", list="block", kind="domain")
        for i, (verdict, category) in enumerate((("pass", "none"), ("pass", "none"), ("review", "illicit_ad"))):
            self._screen(d, f"10:2{i}", f"d3-{i}", verdict, category, account="acc-4",
                         hits=("contacts",) if verdict == "review" else ())
