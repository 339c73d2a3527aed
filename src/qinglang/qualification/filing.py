"""ICP filing numbers (ICP备案号): ``京ICP备12345678号`` with an optional ``-N`` site suffix.

An ICP filing number has **no check digit**: a mistyped digit gives another well-formed number, so only the
format is checked here (province abbreviation, ``ICP备``, 6-10 digits, ``号``, the site suffix) and a reviewer
confirms the filing itself. Numbers that are often given in its place are named as what they are: an ICP licence
number (``京ICP证030173号``, a value-added telecom licence) and a public-security filing (``京公网安备…号``).
"""

from __future__ import annotations

import re
import unicodedata

from qinglang.qualification.numbers import MAX_RAW_LENGTH, FaultCode, NumberFault, length_limit_fault, raise_invalid
from qinglang.qualification.regions import PROVINCE_ABBREVIATIONS

_SITE_SUFFIX = re.compile(r"-[1-9][0-9]{0,3}")


def canonical_filing(raw: str) -> str:
    """The canonical form of a filing or licence number: NFKC, whitespace removed, Latin letters upper case."""
    folded = unicodedata.normalize("NFKC", raw[: MAX_RAW_LENGTH * 4])
    return re.sub(r"\s", "", folded).translate(_UPPER)


_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


def icp_filing_fault(raw: str) -> NumberFault | None:
    """The first fault of an ICP filing number (``京ICP备12345678号`` or ``…号-2``), or ``None``. Format only:
    there is no check digit, so a mistyped digit is not caught here."""
    value = canonical_filing(raw)
    if length_limit_fault(raw) or not value:
        return length_limit_fault(raw) or NumberFault(FaultCode.EMPTY, None, "is empty", "为空")
    if value[0] not in PROVINCE_ABBREVIATIONS:
        return NumberFault(FaultCode.PROVINCE, 0, "character 1 must be a province abbreviation such as 京 or 粤",
                           "第 1 位应为省份简称，如 京、粤")
    if not value.startswith("ICP备", 1):
        return _filing_word_fault(value)
    digits = re.match(r"[0-9]*", value[5:]).group()
    if not 6 <= len(digits) <= 10:
        return NumberFault(FaultCode.FORMAT, 5, "ICP备 must be followed by a number of 6 to 10 digits",
                           "ICP备 之后应为 6 到 10 位数字")
    end = 5 + len(digits)
    if value[end:end + 1] != "号":
        return NumberFault(FaultCode.FORMAT, end, "the number must end with 号", "编号之后应为“号”")
    if value[end + 1:] and not _SITE_SUFFIX.fullmatch(value[end + 1:]):
        return NumberFault(FaultCode.FORMAT, end + 1, "only a site number such as -1 may follow 号",
                           "“号”之后只能是网站序号，如 -1")
    return None


def _filing_word_fault(value: str) -> NumberFault:
    if value.startswith("ICP证", 1):
        return NumberFault(FaultCode.FORMAT, 1, "this is an ICP licence number (ICP证, a value-added telecom "
                           "licence), not an ICP filing number (ICP备)", "这是 ICP 经营许可证号（ICP证），不是 ICP 备案号（ICP备）")
    if value.startswith("公网安备", 1):
        return NumberFault(FaultCode.FORMAT, 1, "this is a public security filing number (公网安备), not an ICP "
                           "filing number (ICP备)", "这是公安联网备案号（公网安备），不是 ICP 备案号（ICP备）")
    return NumberFault(FaultCode.FORMAT, 1, "the province must be followed by ICP备", "省份简称之后应为“ICP备”")



def require_icp_filing(raw: str, field: str = "icp_filing") -> str:
    """The canonical ICP filing number, or ``invalid_icp_filing`` naming the field and the fault."""
    fault = icp_filing_fault(raw)
    if fault is not None:
        raise_invalid(fault, field, "invalid_icp_filing", "ICP filing number")
    return canonical_filing(raw)
