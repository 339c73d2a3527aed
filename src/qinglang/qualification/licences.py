"""A licence's facts (kind, number, issuer, scope, validity dates), checked before they are stored, and when a
licence is in force.

**Validity is calendar days in China time.** A licence printed "有效期至 2027年12月31日" is valid through the end of
that day in Beijing, i.e. until 2027-12-31T16:00Z. China has kept UTC+8 without daylight saving since 1991, so a
fixed offset is exact and needs no time-zone database. Every function here takes ``now`` (an aware datetime) from
the caller: nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from qinglang.errors import InvalidInput
from qinglang.qualification.catalogue import Catalogue, EndDate, LicenceKind, licence_number_fault
from qinglang.qualification.filing import canonical_filing
from qinglang.qualification.operators import OPERATOR_KIND_NAMES, OperatorKind

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_ISSUER = 200


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """What a licence says. ``valid_until`` is its last valid day (``None``: no end date)."""

    kind: str
    number: str
    issuer: str
    scope: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class LicenceFault:
    """One bad field of a licence: ``field``, a stable ``code``, and what to do (English, Chinese)."""

    field: str
    code: str
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message, "message_zh": self.message_zh}


def china_day(now: datetime) -> date:
    """The calendar day in China at the instant ``now`` (which must be aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC), not a naive one")
    return now.astimezone(CHINA_TIME).date()


def validity_end(valid_until: date) -> datetime:
    """The first instant a licence whose last valid day is ``valid_until`` is no longer valid (UTC)."""
    return datetime.combine(valid_until + timedelta(days=1), time(), CHINA_TIME).astimezone(UTC)


def validity_start(valid_from: date) -> datetime:
    """The first instant of ``valid_from`` in China (UTC)."""
    return datetime.combine(valid_from, time(), CHINA_TIME).astimezone(UTC)


def in_force(facts: LicenceFacts, now: datetime) -> bool:
    """Whether the dates printed on the licence cover ``now`` (its verification state is not looked at here)."""
    if facts.valid_from is not None and now < validity_start(facts.valid_from):
        return False
    return facts.valid_until is None or now < validity_end(facts.valid_until)


def days_left(facts: LicenceFacts, now: datetime) -> int | None:
    """Whole days from today (China) to the last valid day: 0 on the last day, negative once expired; ``None``
    when the licence has no end date."""
    if facts.valid_until is None:
        return None
    return (facts.valid_until - china_day(now)).days


def licence_faults(catalogue: Catalogue, facts: LicenceFacts,
                   holder: OperatorKind | None = None) -> tuple[LicenceFault, ...]:
    """Every bad field of ``facts`` (empty when the licence may be stored), so a caller reports them all at once."""
    kind = catalogue.licence_kinds.get(facts.kind)
    if kind is None:
        known = ", ".join(sorted(catalogue.licence_kinds))
        return (LicenceFault("kind", "unknown_kind", f"unknown licence kind {facts.kind!r}; use one of: {known}",
                             f"未知的许可证类型，可选：{known}"),)
    found = [_number(kind, facts), _issuer(facts), *_scope(kind, facts), *_dates(kind, facts), _holder(kind, holder)]
    return tuple(f for f in found if f is not None)


def require_licence(catalogue: Catalogue, facts: LicenceFacts, holder: OperatorKind | None = None) -> LicenceFacts:
    """``facts`` with its number in canonical form, or ``invalid_licence`` listing every bad field."""
    faults = licence_faults(catalogue, facts, holder)
    if faults:
        listed = "; ".join(f"{f.field}: {f.message}" for f in faults)
        raise InvalidInput(f"the licence cannot be stored: {listed}", code="invalid_licence",
                           details={"faults": [f.to_dict() for f in faults]})
    return LicenceFacts(facts.kind, canonical_filing(facts.number), facts.issuer.strip(), facts.scope,
                        facts.valid_from, facts.valid_until)


def _number(kind: LicenceKind, facts: LicenceFacts) -> LicenceFault | None:
    fault = licence_number_fault(kind, facts.number)
    if fault is None:
        return None
    return LicenceFault("number", f"number_{fault.code.value}", f"the {kind.name_en} number {fault.message}",
                        f"{kind.name_zh}编号{fault.message_zh}")


def _issuer(facts: LicenceFacts) -> LicenceFault | None:
    issuer = facts.issuer.strip()
    if issuer and len(issuer) <= MAX_ISSUER and issuer.isprintable():
        return None
    return LicenceFault("issuer", "issuer", f"give the issuing authority as printed on the licence (at most "
                        f"{MAX_ISSUER} characters)", f"请填写许可证上的发证机关（不超过 {MAX_ISSUER} 字）")


def _scope(kind: LicenceKind, facts: LicenceFacts) -> list[LicenceFault]:
    if not kind.scopes:
        return []
    unknown = [s for s in facts.scope if s not in kind.scopes]
    return [LicenceFault("scope", "scope", f"{s!r} is not a scope of the {kind.name_en}; use: "
                         f"{', '.join(kind.scopes)}", f"“{s}”不是{kind.name_zh}的许可范围") for s in unknown]


def _dates(kind: LicenceKind, facts: LicenceFacts) -> list[LicenceFault]:
    start, end = facts.valid_from, facts.valid_until
    if end is None and kind.end_date is EndDate.REQUIRED:
        return [LicenceFault("valid_until", "end_date_missing", f"a {kind.name_en} always has an end date; give it",
                             f"{kind.name_zh}均有有效期，请填写截止日期")]
    if end is not None and kind.end_date is EndDate.NONE:
        return [LicenceFault("valid_until", "end_date_not_allowed", f"a {kind.name_en} has no end date; leave it out",
                             f"{kind.name_zh}没有有效期，请勿填写截止日期")]
    if start is not None and end is not None and end < start:
        return [LicenceFault("valid_until", "dates_reversed", "the end date is before the start date",
                             "截止日期早于起始日期")]
    limit = kind.max_validity_years
    if limit is not None and start is not None and end is not None and end > _add_years(start, limit):
        return [LicenceFault("valid_until", "validity_too_long", f"a {kind.name_en} is valid for at most {limit} "
                             "years; check the dates", f"{kind.name_zh}有效期最长 {limit} 年，请核对日期")]
    return []


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _holder(kind: LicenceKind, holder: OperatorKind | None) -> LicenceFault | None:
    if holder is None or holder in kind.holders:
        return None
    zh, en = OPERATOR_KIND_NAMES[holder]
    return LicenceFault("kind", "holder_kind", f"a {kind.name_en} cannot be held by an operator of kind {en}",
                        f"{zh}运营者不能持有{kind.name_zh}")
