"""Traceable figures: every number in a report or on the dashboard names the list of items behind it.

A ``Figure`` is a value with its Chinese and English label and a ``DrillDown``: a console list page plus the
filter that lists exactly the items the number counts. A compliance officer who doubts "1,204 reports handled
in November" follows ``/console/reports?closed=2026-11-01..2026-11-30`` and counts the rows.

Filters use three forms, all dates being local calendar days (``periods.py``):

- ``<event>=<from>..<to>``: rows whose ``<event>`` timestamp falls in those days (``received``, ``closed``, ...);
- ``<state>_on=<day>``: rows in that state at the end of that day (``open_on``, ``overdue_on``, ``active_on``);
- any other ``key=value``: an equality filter on a stored value (``verdict=block``, ``kind=suspend``).

The list pages in ``CONSOLE_LISTS`` are the contract the dashboard serves; ``check_traceability`` refuses a
figure whose drill-down points elsewhere or does not restrict to the figure's period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from qinglang.statistics import labels
from qinglang.statistics.problems import Problem

CONSOLE_LISTS: dict[str, str] = {
    "/console/contents": "content versions and their automatic decisions",
    "/console/cases": "cases, with their outcome, source and deciding reviewer",
    "/console/reports": "readers' reports",
    "/console/actions": "enforcement actions",
    "/console/accounts": "accounts, filtered by the status an action gave them",
    "/console/lists": "entries of the blacklist/allowlist register",
    "/console/appeals": "appeals against actions",
    "/console/calibration": "calibration (known-answer) cases and the answers given",
    "/console/sweeps": "sweeps and the contents, accounts and cases they found",
    "/console/rewards": "lines of the reward ledger",
}

UNITS = ("count", "seconds", "ratio", "cents")


def day_range(start: date, end: date) -> str:
    """The filter value of a period: ``2026-11-01..2026-11-30``."""
    return f"{start.isoformat()}..{end.isoformat()}"


@dataclass(frozen=True, slots=True)
class DrillDown:
    """A console list page and the filter that lists the items behind a figure."""

    path: str
    filters: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"{self.path}?{urlencode(self.filters)}" if self.filters else self.path

    def covers(self, start: date, end: date) -> bool:
        """Whether the filter restricts to the period: a ``from..to`` range equal to it or an ``_on`` at its end."""
        wanted = {day_range(start, end)}
        return any(v in wanted or (k.endswith("_on") and v == end.isoformat()) for k, v in self.filters)


def drill(path: str, **filters: object) -> DrillDown:
    """A drill-down from keyword filters; ``None`` values are left out. ``drill("/console/actions", kind="close")``."""
    return DrillDown(path, tuple((k, str(v)) for k, v in filters.items() if v is not None))


@dataclass(frozen=True, slots=True)
class Figure:
    """One traceable number.

    ``key`` is stable (``reports.handled``, ``screening.porn.block``) so periods can be compared and tests can
    find a figure; ``value`` is ``None`` where the figure is undefined (a median of no durations, a rate of
    nothing), which renderers show as "—", never as 0. ``unit``: count, seconds, ratio (0..1) or cents.
    ``dimension_zh``/``dimension_en`` name the breakdown a figure belongs to (a category, a reviewer, a kind).
    """

    key: str
    value: int | float | None
    label_zh: str
    label_en: str
    drill_down: DrillDown
    unit: str = "count"
    dimension_zh: str = ""
    dimension_en: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of figures: one section of a supervision report, one sheet of its workbook."""

    key: str
    title_zh: str
    title_en: str
    figures: tuple[Figure, ...]
    note_zh: str = ""


# Building figures: the catalogue's vocabulary.


@dataclass(frozen=True, slots=True)
class Scope:
    """The period every figure is traced within: ``span`` for events, ``on`` for end-of-period states."""

    start: date
    end: date

    @property
    def span(self) -> str:
        return day_range(self.start, self.end)

    @property
    def on(self) -> str:
        return self.end.isoformat()


def figure(key: str, value, zh: str, en: str, where: DrillDown, unit: str = "count",
           dim: tuple[str, str] = ("", "")) -> Figure:
    return Figure(key, value, zh, en, where, unit, dim[0], dim[1])


def breakdown(prefix: str, counts: Mapping[str, int], kind: str, zh: str, en: str, where, *,
              complete: bool = False) -> list[Figure]:
    """One figure per value of ``counts`` (in the labels' order), its name as the dimension; ``where(value)``
    gives each figure's drill-down. ``complete`` adds a 0 for every known value that was not counted."""
    return [figure(f"{prefix}.{v}", counts.get(v, 0), zh, en, where(v), dim=labels.name(kind, v))
            for v in labels.ordered(kind, counts, complete=complete)]


def cross(prefix: str, counts: Mapping[str, Mapping[str, int]], kinds: tuple[str, str], zh: str, en: str,
          where, *, complete: bool = False) -> list[Figure]:
    """One figure per cell of a cross count, named by both dimensions (``色情低俗 / 自动拦截``);
    ``where(row, column)`` gives its drill-down. ``complete`` fills every known row and column (0 if absent)."""
    out = []
    for row in labels.ordered(kinds[0], counts, complete=complete):
        cells = counts.get(row, {})
        for col in labels.ordered(kinds[1], cells, complete=complete):
            (r_zh, r_en), (c_zh, c_en) = labels.name(kinds[0], row), labels.name(kinds[1], col)
            out.append(figure(f"{prefix}.{row}.{col}", cells.get(col, 0), zh, en, where(row, col),
                              dim=(f"{r_zh} / {c_zh}", f"{r_en} / {c_en}")))
    return out


def check_traceability(figures: Iterable[Figure], start: date, end: date) -> tuple[Problem, ...]:
    """Every problem that stops a figure from being traced to its items; empty when all can be."""
    problems = []
    for figure in figures:
        problems.extend(_figure_problems(figure, start, end))
    return tuple(problems)


def _figure_problems(figure: Figure, start: date, end: date) -> list[Problem]:
    found = []
    if figure.drill_down.path not in CONSOLE_LISTS:
        found.append(Problem("figure_unknown_list", f"{figure.key}: {figure.drill_down.path} is not a console list"))
    if not figure.drill_down.covers(start, end):
        found.append(Problem("figure_not_in_period", f"{figure.key}: {figure.drill_down.url} does not restrict to "
                                                     f"{day_range(start, end)}"))
    if figure.unit not in UNITS:
        found.append(Problem("figure_unknown_unit", f"{figure.key}: unit {figure.unit!r} is not one of {UNITS}"))
    if not figure.label_zh or not figure.label_en:
        found.append(Problem("figure_unlabelled", f"{figure.key}: needs both a Chinese and an English label"))
    return found
