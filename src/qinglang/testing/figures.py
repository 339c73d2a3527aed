"""Invented daily figures for the statistics and supervision tests and benchmarks: deterministic (seeded), varied,
every section of the model used. Nothing here is real platform data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from qinglang.statistics.figures import (
    AccountFigures,
    ActionFigures,
    AppealFigures,
    DailyFigures,
    FigureSet,
    HumanDecisionFigures,
    ListFigures,
    ReportFigures,
    ReviewerFigures,
    RewardFigures,
    ScreeningFigures,
    SweepFigures,
    TeamFigures,
    WorkFigures,
)
from qinglang.statistics.samples import DurationSample

CATEGORIES = ("porn", "illicit_ad", "gambling", "fraud", "abuse")
REVIEWERS = ("lihua", "wangfang", "zhangwei")


def _day(day: date, rng: random.Random) -> DailyFigures:
    handled = rng.randint(5, 30)
    durations = [rng.randint(60, 3 * 86400) for _ in range(handled)]
    within = sum(1 for d in durations if d <= 86400)
    verified = rng.randint(0, handled)
    verdicts = {c: {"review": rng.randint(0, 40), "block": rng.randint(0, 25)} for c in CATEGORIES}
    verdicts["none"] = {"pass": rng.randint(800, 1500)}
    n = day.toordinal()
    figures = FigureSet(
        screening=ScreeningFigures(verdicts, {"lexicon": rng.randint(50, 90), "contacts": rng.randint(10, 40),
                                              "qr": rng.randint(0, 9)}, {"qr": rng.randint(0, 2)}),
        decisions=HumanDecisionFigures({c: {"violation": rng.randint(0, 12), "no_violation": rng.randint(0, 8)}
                                        for c in CATEGORIES}, {"report": rng.randint(5, 20), "verdict": rng.randint(5, 30)}),
        reports=ReportFigures(received=rng.randint(10, 40), merged=rng.randint(0, 5),
                              by_reason={"porn": rng.randint(3, 15), "fraud": rng.randint(0, 5)}, handled=handled,
                              verified=verified, handled_within_sla=within, time_to_handle=DurationSample.of(durations),
                              open_at_end=rng.randint(20, 60), overdue_at_end=rng.randint(0, 6)),
        actions=ActionFigures({"take_down": rng.randint(5, 20), "restrict": rng.randint(0, 4),
                               "suspend": rng.randint(0, 3), "close": rng.randint(0, 1)}, rng.randint(0, 3), rng.randint(0, 1)),
        accounts=AccountFigures(frozenset(f"acct-{rng.randint(1, 40)}" for _ in range(rng.randint(0, 3))),
                                frozenset(f"acct-{rng.randint(1, 40)}" for _ in range(rng.randint(0, 2))),
                                frozenset(f"acct-{rng.randint(41, 60)}" for _ in range(rng.randint(0, 1)))),
        works=WorkFigures(frozenset(f"ch-{n}-{i}" for i in range(rng.randint(0, 6))),
                          frozenset(f"book-{rng.randint(1, 12)}" for _ in range(rng.randint(0, 2))),
                          frozenset(f"art-{n}-{i}" for i in range(rng.randint(2, 9)))),
        lists=ListFigures({"block": {"domain": rng.randint(0, 5), "contact": rng.randint(0, 8)}},
                          {"block": {"domain": rng.randint(0, 2)}}, {"block": {"domain": 100 + n % 7, "contact": 200}}),
        appeals=AppealFigures(rng.randint(0, 4), rng.randint(0, 3), rng.randint(0, 1), rng.randint(0, 5)),
        team=TeamFigures({r: ReviewerFigures(decisions=rng.randint(5, 25),
                                             time_per_case=DurationSample.of(rng.randint(30, 900) for _ in range(5)),
                                             second_reviewed=2, second_agreed=rng.randint(0, 2),
                                             calibration_answered=1, calibration_agreed=rng.randint(0, 1))
                          for r in REVIEWERS}),
        sweeps=SweepFigures(rng.randint(0, 2), rng.randint(0, 30), rng.randint(0, 5), rng.randint(0, 10)),
        rewards=RewardFigures(rng.randint(0, 5), rng.randint(0, 5) * 500, rng.randint(0, 3), rng.randint(0, 3) * 500,
                              rng.randint(0, 1)),
    )
    return DailyFigures(day, figures)


def days_between(start: date, end: date, seed: int = 12) -> list[DailyFigures]:
    rng = random.Random(seed)
    return [_day(start + timedelta(days=i), rng) for i in range((end - start).days + 1)]


def november() -> list[DailyFigures]:
    return days_between(date(2026, 11, 1), date(2026, 11, 30))


def october() -> list[DailyFigures]:
    return days_between(date(2026, 10, 1), date(2026, 10, 31), seed=10)
