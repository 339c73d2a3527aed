"""Daily figures to and from JSON: the ``--figures`` file today, a JSON column of the daily-figures table later.

The document is ``{"format": "qinglang.daily-figures/1", "days": [{"day": "2026-11-01", "figures": {...}}]}``
with ``figures`` shaped like ``FigureSet`` (docs/statistics.md has an example). Reading is strict, because a
typo must not become a silent zero in a report to the regulator: an unknown field, a negative count, a
fraction where a count belongs, a day given twice — each is refused as a ``Problem`` naming the exact place
(``days[3].figures.reports.recieved: unknown field``). Fields left out take their empty value.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from qinglang.statistics.figures import DailyFigures
from qinglang.statistics.problems import Problem
from qinglang.statistics.samples import DurationSample

FORMAT = "qinglang.daily-figures/1"


class _Bad(Exception):
    """Internal: a value that does not fit, with its path; turned into a ``Problem`` at the boundary."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


def encode(value: Any) -> Any:
    """Figures as JSON-ready values: dataclasses as objects, samples and id sets as sorted lists."""
    if isinstance(value, DurationSample):
        return list(value.seconds)
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in sorted(value.items())}
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def dump_days(days: list[DailyFigures]) -> dict[str, Any]:
    """The JSON document holding ``days`` (oldest first)."""
    return {"format": FORMAT, "days": [encode(d) for d in sorted(days, key=lambda d: d.day)]}


def load_days(document: Any) -> list[DailyFigures] | Problem:
    """Daily figures from a parsed JSON document, or the first ``Problem`` found in it."""
    try:
        return _load_days(document)
    except _Bad as bad:
        return Problem("figures_invalid", str(bad))


def _load_days(document: Any) -> list[DailyFigures]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Bad("format", f'the document must be an object with "format": "{FORMAT}"')
    days = document.get("days")
    if not isinstance(days, list):
        raise _Bad("days", "must be a list of {day, figures} objects")
    out, seen = [], set()
    for i, raw in enumerate(days):
        daily = _decode(raw, DailyFigures, f"days[{i}]")
        if daily.day in seen:
            raise _Bad(f"days[{i}].day", f"{daily.day} is given twice; keep one set of figures per day")
        seen.add(daily.day)
        out.append(daily)
    return out


def _decode(value: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is int:
        return _count(value, path)
    if hint is date:
        return _date(value, path)
    if hint is DurationSample:
        return DurationSample.of(_count(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))
    if origin is frozenset:
        return frozenset(_text(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))
    if origin is Mapping:
        return _mapping(value, typing.get_args(hint)[1], path)
    if origin in (typing.Union, types.UnionType):
        return _optional(value, hint, path)
    if hint is datetime:
        return _datetime(value, path)
    if dataclasses.is_dataclass(hint):
        return _dataclass(value, hint, path)
    raise _Bad(path, f"no reader for {hint!r}")  # a new field shape in figures.py needs a reader here


def _dataclass(value: Any, cls: type, path: str) -> Any:
    if not isinstance(value, dict):
        raise _Bad(path, f"must be an object of {cls.__name__} fields")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - names)
    if unknown:
        raise _Bad(f"{path}.{unknown[0]}", f"unknown field; {cls.__name__} has {', '.join(sorted(names))}")
    required = [f.name for f in dataclasses.fields(cls) if _required(f) and f.name not in value]
    if required:
        raise _Bad(f"{path}.{required[0]}", "is required")
    return cls(**{k: _decode(v, hints[k], f"{path}.{k}") for k, v in value.items()})


def _required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _mapping(value: Any, item_hint: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(path, "must be an object")
    return {_text(k, path): _decode(v, item_hint, f"{path}.{k}") for k, v in value.items()}


def _optional(value: Any, hint: Any, path: str) -> Any:
    inner = [a for a in typing.get_args(hint) if a is not type(None)]
    return None if value is None else _decode(value, inner[0], path)


def _count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(path, f"must be a whole number >= 0, got {value!r}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _Bad(path, f"must be a non-empty string, got {value!r}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise _Bad(path, f"must be a list, got {type(value).__name__}")
    return value


def _date(value: Any, path: str) -> date:
    try:
        return date.fromisoformat(_text(value, path))
    except ValueError:
        raise _Bad(path, f"must be a date as YYYY-MM-DD, got {value!r}") from None


def _datetime(value: Any, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, path))
    except ValueError:
        raise _Bad(path, f"must be an ISO 8601 time, got {value!r}") from None
    if moment.tzinfo is None:
        raise _Bad(path, "must carry its UTC offset (2026-12-01T02:00:00+00:00)")
    return moment


