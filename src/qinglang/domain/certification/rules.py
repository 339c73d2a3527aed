"""The certification rules, each a small pure function over a reviewer's answers.

A reviewer is certified **per category** (the queue: ``porn``, ``fraud`` ...). Practice answers are booleans,
newest last: did the reviewer's choice on a known-answer practice case match its right answer?

- **certified** — among the newest ``practice_cases`` answers of the current round, the share that agreed is at
  least ``agreement``: the reviewer may claim that category's live cases;
- **severe** — the higher bar: at least ``severe_agreement`` on the newest ``severe_cases`` answers: the
  reviewer may also approve severe actions (close, blacklist) in that category;
- **lapsed** — the reviewer's newest ``recertify_window`` answers on *live* calibration cases of the category
  agreed less than ``recertify_agreement``: the certificate is withdrawn and a new round of practice begins;
- **uncertified** — none of the above yet.

Only the newest answers count, so a reviewer who starts badly recovers by practising well, and one who drifts is
caught by the live calibration cases that look like any other case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """A reviewer's standing in one category; the value is what the database stores."""

    UNCERTIFIED = "uncertified"
    CERTIFIED = "certified"
    SEVERE = "severe"
    LAPSED = "lapsed"


_MAY_CLAIM = frozenset({Level.CERTIFIED, Level.SEVERE})


@dataclass(frozen=True, slots=True)
class CertificationRule:
    """The configured bars (``certification.*`` settings)."""

    practice_cases: int = 5
    agreement: float = 0.8
    severe_cases: int = 10
    severe_agreement: float = 0.9
    recertify_window: int = 5
    recertify_agreement: float = 0.6


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a reviewer's practice stands: the level it earns, and the figures behind it."""

    level: Level
    answered: int  # practice answers in this round
    window: int  # answers the level was judged on (the newest ones)
    agreed: int  # of those, how many matched the right answer
    needed_cases: int  # answers the next level asks for
    needed_agreement: float  # and the share of them that must agree

    @property
    def rate(self) -> float | None:
        return round(self.agreed / self.window, 3) if self.window else None


def _share(answers: Sequence[bool], n: int) -> tuple[int, int]:
    newest = list(answers)[-n:] if n > 0 else []
    return len(newest), sum(1 for a in newest if a)


def _reaches(answers: Sequence[bool], n: int, bar: float) -> bool:
    window, agreed = _share(answers, n)
    return window >= n and agreed >= bar * window - 1e-9


def assess_practice(answers: Sequence[bool], rule: CertificationRule) -> Standing:
    """The level a round of practice answers (newest last) earns, with the figures of the bar it was judged on."""
    if _reaches(answers, rule.severe_cases, rule.severe_agreement):
        window, agreed = _share(answers, rule.severe_cases)
        return Standing(Level.SEVERE, len(answers), window, agreed, rule.severe_cases, rule.severe_agreement)
    if _reaches(answers, rule.practice_cases, rule.agreement):
        window, agreed = _share(answers, rule.severe_cases)
        return Standing(Level.CERTIFIED, len(answers), window, agreed, rule.severe_cases, rule.severe_agreement)
    window, agreed = _share(answers, rule.practice_cases)
    return Standing(Level.UNCERTIFIED, len(answers), window, agreed, rule.practice_cases, rule.agreement)


def needs_recertification(live: Sequence[bool], rule: CertificationRule) -> bool:
    """True when the newest live calibration answers (newest last) fall below the recertification bar."""
    window, agreed = _share(live, rule.recertify_window)
    return window >= rule.recertify_window and agreed < rule.recertify_agreement * window - 1e-9


def next_level(current: Level, practice: Sequence[bool], rule: CertificationRule) -> Level:
    """The level after a new practice answer. Practice only ever raises a level within a round: a certificate is
    taken away by live calibration answers (:func:`needs_recertification`), never by one bad practice answer."""
    earned = assess_practice(practice, rule).level
    order = (Level.UNCERTIFIED, Level.LAPSED, Level.CERTIFIED, Level.SEVERE)
    if current is Level.LAPSED and earned is Level.UNCERTIFIED:
        return Level.LAPSED
    return max(current, earned, key=order.index)


def may_claim(level: Level) -> bool:
    return level in _MAY_CLAIM


def may_approve_severe(level: Level) -> bool:
    return level is Level.SEVERE
