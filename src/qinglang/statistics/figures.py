"""The statistics model: one day's figures, and a period's, as plain frozen dataclasses.

A day's figures are *counted from the database* for one calendar day in the platform's time zone (see
``periods.day_window``) and can be recounted for any past day; a period's figures are *aggregated from days*
(``aggregate.aggregate``), never counted again. Each field says in its docstring which rows it counts.

Every field is one of four shapes, and its shape decides how days add up into a period:

| shape | example | over a period |
|---|---|---|
| ``int`` or ``Mapping[str, int]`` (a *flow*) | reports received | the sum of the days |
| ``DurationSample`` | time to handle | every observation, merged (exact median/p90) |
| ``frozenset[str]`` (ids) | accounts suspended | the union: an account suspended twice counts once |
| a *stock*, marked ``stock()`` | reports overdue at the end of the day | the last day's value |

Rates (overturn rate, share handled within SLA, agreement) are never stored: they are properties computed from
their numerator and denominator, so a period's rate is the rate of its totals, not an average of daily rates.
Keys of the mappings are the stored string values (``Verdict``, ``Category``, action kinds, ``ListKind``,
case outcomes), so a ``StrEnum`` member works as a key too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qinglang.statistics.samples import DurationSample

Counts = Mapping[str, int]
CrossCounts = Mapping[str, Mapping[str, int]]


def stock(default: Any = 0) -> Any:
    """A field holding a level at the end of the day (not a flow): a period takes its last day's value."""
    if isinstance(default, Mapping):
        return field(default_factory=lambda: dict(default), metadata={"combine": "last"})
    return field(default=default, metadata={"combine": "last"})


def _empty() -> Any:
    return field(default_factory=dict)


def total(counts: Counts) -> int:
    return sum(counts.values())


def column_totals(cross: CrossCounts) -> dict[str, int]:
    """Sum a cross count over its rows: ``{category: {verdict: n}}`` -> ``{verdict: n}``."""
    out: dict[str, int] = {}
    for row in cross.values():
        for key, n in row.items():
            out[key] = out.get(key, 0) + n
    return out


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` when nothing was counted (a missing rate is not a rate of 0)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class ScreeningFigures:
    """Content versions screened by the live policy (``decisions`` rows of automatic decisions that day)."""

    verdicts: CrossCounts = _empty()  # category -> verdict -> versions
    detector_hits: Counts = _empty()  # detector -> versions where it produced at least one signal
    detector_failures: Counts = _empty()  # detector -> versions where it was recorded as failed

    @property
    def screened(self) -> int:
        return sum(total(row) for row in self.verdicts.values())

    @property
    def by_verdict(self) -> dict[str, int]:
        return column_totals(self.verdicts)

    @property
    def by_category(self) -> dict[str, int]:
        return {category: total(row) for category, row in self.verdicts.items()}

    @property
    def automatic_blocks(self) -> int:
        return self.by_verdict.get("block", 0)


@dataclass(frozen=True)
class HumanDecisionFigures:
    """Cases closed by a reviewer's decision that day (calibration cases excluded: they are scored, not acted)."""

    outcomes: CrossCounts = _empty()  # queue (category) -> case outcome (violation, no_violation, ...) -> cases
    by_source: Counts = _empty()  # case source (report, verdict, sweep, strikes) -> cases decided

    @property
    def decided(self) -> int:
        return sum(total(row) for row in self.outcomes.values())

    @property
    def violations(self) -> int:
        return column_totals(self.outcomes).get("violation", 0)


@dataclass(frozen=True)
class ReportFigures:
    """Readers' reports: received that day, handled that day (their case closed), and what is still open."""

    received: int = 0
    merged: int = 0  # received reports that joined an existing case instead of opening one
    by_reason: Counts = _empty()  # reason -> reports received
    handled: int = 0  # reports whose case closed that day
    verified: int = 0  # of those handled: the case ended in a violation
    handled_within_sla: int = 0  # of those handled: closed no later than the case's SLA deadline
    time_to_handle: DurationSample = field(default_factory=DurationSample)  # received -> case closed
    open_at_end: int = stock()  # reports whose case is not closed at the end of the day
    overdue_at_end: int = stock()  # of those: past their SLA deadline

    @property
    def rejected(self) -> int:
        return self.handled - self.verified

    @property
    def handled_late(self) -> int:
        return self.handled - self.handled_within_sla

    @property
    def within_sla_rate(self) -> float | None:
        return ratio(self.handled_within_sla, self.handled)


@dataclass(frozen=True)
class ActionFigures:
    """Enforcement actions created that day by kind, and actions that ended that day."""

    by_kind: Counts = _empty()  # take_down, disable_links, restrict, suspend, close, blacklist, revert -> actions
    expired: int = 0
    reverted: int = 0

    @property
    def taken(self) -> int:
        return total(self.by_kind)


@dataclass(frozen=True)
class AccountFigures:
    """Accounts put into a status by an action that day (ids, so a period counts each account once)."""

    restricted: frozenset[str] = frozenset()
    suspended: frozenset[str] = frozenset()
    closed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WorkFigures:
    """Works taken off the shelves (下架) by ``take_down`` and ``take_down_book`` actions that day: content ids and
    book ids."""

    chapters: frozenset[str] = frozenset()  # content ids of chapters (contents with a book id)
    books: frozenset[str] = frozenset()  # book ids taken down whole, or with at least one chapter taken down
    articles: frozenset[str] = frozenset()  # content ids of contents without a book id


@dataclass(frozen=True)
class ListFigures:
    """The blacklist/allowlist register: entries added and removed that day, and active at the end of it."""

    added: CrossCounts = _empty()  # list (block, allow) -> kind -> entries
    removed: CrossCounts = _empty()  # list -> kind -> entries removed or expired
    active_at_end: CrossCounts = stock({})  # list -> kind -> entries active at the end of the day


@dataclass(frozen=True)
class AppealFigures:
    """Account owners' appeals: filed that day, decided that day, and still open at the end of it."""

    received: int = 0
    upheld: int = 0
    overturned: int = 0
    open_at_end: int = stock()

    @property
    def decided(self) -> int:
        return self.upheld + self.overturned

    @property
    def overturn_rate(self) -> float | None:
        return ratio(self.overturned, self.decided)


@dataclass(frozen=True)
class ReviewerFigures:
    """One reviewer's day: live cases decided, time per case, and agreement where it was checked."""

    decisions: int = 0  # live cases this reviewer decided
    time_per_case: DurationSample = field(default_factory=DurationSample)  # claim -> decision
    second_reviewed: int = 0  # decisions of theirs that a second reviewer (approval, appeal) then judged
    second_agreed: int = 0  # of those: the second reviewer agreed
    calibration_answered: int = 0  # calibration (known-answer) cases answered
    calibration_agreed: int = 0  # of those: the answer matched the known answer

    @property
    def second_agreement(self) -> float | None:
        return ratio(self.second_agreed, self.second_reviewed)

    @property
    def calibration_agreement(self) -> float | None:
        return ratio(self.calibration_agreed, self.calibration_answered)


@dataclass(frozen=True)
class TeamFigures:
    """The review team: one ``ReviewerFigures`` per reviewer (by user name)."""

    reviewers: Mapping[str, ReviewerFigures] = _empty()


@dataclass(frozen=True)
class SweepFigures:
    """Sweeps (举一反三) finished that day and what they found."""

    runs: int = 0
    contents_found: int = 0  # similar contents found
    accounts_found: int = 0  # linked accounts found
    cases_opened: int = 0


@dataclass(frozen=True)
class RewardFigures:
    """The reward ledger: lines credited that day, approved for payment that day, refused that day."""

    credited: int = 0
    credited_cents: int = 0
    paid: int = 0
    paid_cents: int = 0
    refused: int = 0


@dataclass(frozen=True)
class FigureSet:
    """Every section of the statistics, for one day or for a period."""

    screening: ScreeningFigures = field(default_factory=ScreeningFigures)
    decisions: HumanDecisionFigures = field(default_factory=HumanDecisionFigures)
    reports: ReportFigures = field(default_factory=ReportFigures)
    actions: ActionFigures = field(default_factory=ActionFigures)
    accounts: AccountFigures = field(default_factory=AccountFigures)
    works: WorkFigures = field(default_factory=WorkFigures)
    lists: ListFigures = field(default_factory=ListFigures)
    appeals: AppealFigures = field(default_factory=AppealFigures)
    team: TeamFigures = field(default_factory=TeamFigures)
    sweeps: SweepFigures = field(default_factory=SweepFigures)
    rewards: RewardFigures = field(default_factory=RewardFigures)


@dataclass(frozen=True)
class DailyFigures:
    """The figures of one calendar day (in the platform's time zone), and when they were counted."""

    day: date
    figures: FigureSet = field(default_factory=FigureSet)
    computed_at: datetime | None = None


@dataclass(frozen=True)
class PeriodFigures:
    """Figures of the days ``start``..``end`` (both included), aggregated from ``DailyFigures``.

    ``missing`` lists the days of the period that had no daily figures: the totals then cover fewer days
    than the period, and every report built from them says so on its first page.
    """

    start: date
    end: date
    figures: FigureSet = field(default_factory=FigureSet)
    missing: tuple[date, ...] = ()

    @property
    def day_count(self) -> int:
        """Days in the period, with or without figures."""
        return (self.end - self.start).days + 1

    @property
    def complete(self) -> bool:
        return not self.missing
