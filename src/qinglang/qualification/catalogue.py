"""The licence catalogue: which licences exist, what their numbers look like, and which account categories need
which of them. The catalogue is data (``catalogue.yaml`` in this package, or a file a platform provides), checked
on load by :mod:`qinglang.qualification.loader`; these are the shapes it loads into.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from qinglang.errors import NotFound
from qinglang.qualification.filing import canonical_filing, icp_filing_fault
from qinglang.qualification.numbers import FaultCode, NumberFault, credit_code_fault
from qinglang.qualification.operators import OperatorKind

MAX_FREE_NUMBER = 64


class NumberCheck(StrEnum):
    """How a licence number is checked."""

    PATTERN = "pattern"  # a regular expression on the canonical number
    CREDIT_CODE = "credit_code"  # the number is a unified social credit code (GB 32100 check character)
    ICP_FILING = "icp_filing"  # 京ICP备12345678号
    FREE = "free"  # no fixed format: the reviewer compares it with the document


class EndDate(StrEnum):
    """Whether a licence of this kind carries an end date."""

    REQUIRED = "required"  # every licence expires (许可证有效期)
    OPTIONAL = "optional"  # may be open-ended (营业期限：长期)
    NONE = "none"  # never expires (an ICP filing stays until it is cancelled)


@dataclass(frozen=True, slots=True)
class NumberFormat:
    check: NumberCheck
    example: str
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class LicenceKind:
    """One kind of licence: its names, who issues it, under which rule, its number format, the scopes it may
    cover, how long one may be valid, and which operator kinds can hold it."""

    id: str
    name_zh: str
    name_en: str
    issuer: str
    basis: str
    number: NumberFormat
    end_date: EndDate
    holders: frozenset[OperatorKind]
    scopes: tuple[str, ...] = ()
    max_validity_years: int | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """Hold a verified licence of any one of ``licences``. Applies to the operator kinds in ``operators``
    (``None``: to every kind); ``basis`` names the rule that asks for it."""

    licences: tuple[str, ...]
    basis: str
    operators: frozenset[OperatorKind] | None = None

    def applies_to(self, kind: OperatorKind) -> bool:
        return self.operators is None or kind in self.operators


@dataclass(frozen=True, slots=True)
class AccountCategory:
    """What an account publishes (serialized fiction, news, video ...), who may run such an account, and the
    licences it needs (its own requirements plus the catalogue's ``every_category`` ones)."""

    id: str
    name_zh: str
    name_en: str
    operators: frozenset[OperatorKind]
    requires: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    licence_kinds: Mapping[str, LicenceKind]
    categories: Mapping[str, AccountCategory]
    every_category: tuple[Requirement, ...]
    warn_days: int
    source: str = "<catalogue>"

    def get_licence_kind(self, kind_id: str) -> LicenceKind:
        found = self.licence_kinds.get(kind_id)
        if found is None:
            raise NotFound(f"unknown licence kind {kind_id!r}; known: {', '.join(sorted(self.licence_kinds))}",
                           code="licence_kind_not_found")
        return found

    def get_category(self, category_id: str) -> AccountCategory:
        found = self.categories.get(category_id)
        if found is None:
            raise NotFound(f"unknown account category {category_id!r}; known: {', '.join(sorted(self.categories))}",
                           code="account_category_not_found")
        return found

    def requirements_for(self, category: AccountCategory, kind: OperatorKind) -> tuple[Requirement, ...]:
        """Every requirement that applies to an account of ``category`` run by an operator of ``kind``."""
        return tuple(r for r in (*self.every_category, *category.requires) if r.applies_to(kind))


def licence_number_fault(kind: LicenceKind, raw: str) -> NumberFault | None:
    """The first fault of ``raw`` as a number of licence ``kind``, or ``None``."""
    if kind.number.check is NumberCheck.CREDIT_CODE:
        return credit_code_fault(raw)
    if kind.number.check is NumberCheck.ICP_FILING:
        return icp_filing_fault(raw)
    value = canonical_filing(raw)
    if not value:
        return NumberFault(FaultCode.EMPTY, None, "is empty", "为空")
    if len(value) > MAX_FREE_NUMBER or not value.isprintable():
        return NumberFault(FaultCode.FORMAT, None, f"must be at most {MAX_FREE_NUMBER} printable characters",
                           f"应为不超过 {MAX_FREE_NUMBER} 个可打印字符")
    if kind.number.pattern is not None and not kind.number.pattern.fullmatch(value):
        return NumberFault(FaultCode.FORMAT, None, f"does not look like a number of a {kind.name_en} "
                           f"(for example {kind.number.example})", f"不符合{kind.name_zh}编号格式（例如 {kind.number.example}）")
    return None
