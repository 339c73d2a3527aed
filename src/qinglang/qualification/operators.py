"""Operator kinds and the identity document each presents.

An individual presents a resident identity number; every organisation presents its unified social credit code.
The credit code also declares what kind of unit it is (its first two characters: ``91`` an enterprise, ``11`` a
state organ, ``12`` a public institution ...); when that disagrees with the operator kind claimed, the reviewer is
told, but the number is not refused: a newspaper may be a public institution (``12``) or a company (``91``), and
the reviewer decides with the documents in front of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from qinglang.qualification.identity import IdentityDocument, IdentityKind
from qinglang.qualification.numbers import credit_code_entity
from qinglang.qualification.reasons import Reason


class OperatorKind(StrEnum):
    """Who runs an account."""

    INDIVIDUAL = "individual"  # 个人
    ENTERPRISE = "enterprise"  # 企业
    GOVERNMENT = "government"  # 政府机关
    MEDIA = "media"  # 媒体（新闻单位）
    OTHER_ORGANISATION = "other_organisation"  # 其他组织（事业单位、社会团体、基金会 …）


OPERATOR_KIND_NAMES: Mapping[OperatorKind, tuple[str, str]] = {
    OperatorKind.INDIVIDUAL: ("个人", "individual"),
    OperatorKind.ENTERPRISE: ("企业", "enterprise"),
    OperatorKind.GOVERNMENT: ("政府机关", "government"),
    OperatorKind.MEDIA: ("媒体", "media"),
    OperatorKind.OTHER_ORGANISATION: ("其他组织", "other organisation"),
}

IDENTITY_FOR: Mapping[OperatorKind, IdentityKind] = {
    kind: IdentityKind.RESIDENT_ID if kind is OperatorKind.INDIVIDUAL else IdentityKind.CREDIT_CODE
    for kind in OperatorKind
}
"""The identity document each operator kind must present."""

_EXPECTED_UNITS: Mapping[OperatorKind, frozenset[str]] = {
    OperatorKind.ENTERPRISE: frozenset({"91", "92", "93"}),
    OperatorKind.GOVERNMENT: frozenset({"11"}),
    OperatorKind.MEDIA: frozenset({"12", "91", "21"}),
    OperatorKind.OTHER_ORGANISATION: frozenset({"12", "13", "31", "32", "33", "34", "35", "41", "51", "52", "53",
                                                "71", "72", "81", "N1", "N2", "N3", "Y1"}),
}


def identity_kind_fault(kind: OperatorKind, document: IdentityDocument) -> Reason | None:
    """A reason to refuse ``document`` for an operator of ``kind`` (the wrong document), or ``None``."""
    expected = IDENTITY_FOR[OperatorKind(kind)]
    if document.kind is expected:
        return None
    zh, en = OPERATOR_KIND_NAMES[OperatorKind(kind)]
    what = ("居民身份证号码", "a resident identity number") if expected is IdentityKind.RESIDENT_ID else (
        "统一社会信用代码", "a unified social credit code")
    return Reason("identity_kind_mismatch", f"{zh}运营者应提供{what[0]}", f"an operator of kind {en} must present "
                  f"{what[1]}", {"operator_kind": str(kind), "expected": expected.value, "given": document.kind.value})


def identity_notes(kind: OperatorKind, document: IdentityDocument) -> tuple[Reason, ...]:
    """What a reviewer should look at: a credit code whose unit type disagrees with the operator kind claimed."""
    expected = _EXPECTED_UNITS.get(OperatorKind(kind))
    if expected is None or document.kind is not IdentityKind.CREDIT_CODE or document.number[:2] in expected:
        return ()
    authority, unit = credit_code_entity(document.number)
    zh, en = OPERATOR_KIND_NAMES[OperatorKind(kind)]
    return (Reason("unit_type_differs", f"统一社会信用代码登记为“{authority} · {unit}”，与所填运营者类型“{zh}”不一致，"
                   "请核对证件", f"the credit code is registered as {authority} / {unit}, which differs from the "
                   f"operator kind given ({en}); check the documents", {"unit": document.number[:2]}),)
