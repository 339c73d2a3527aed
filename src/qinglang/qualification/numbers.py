"""Identity and filing numbers: check digits and formats, each check returning a fault value, never raising.

Three numbers an operator gives us, and what each check can promise:

1. **Resident identity number** (居民身份证号码, GB 11643-1999): 17 digits and a check character computed with
   ISO 7064 MOD 11-2. Digit ``i`` (from 0) carries the weight ``2**(17 - i) mod 11``; the check character is the
   value ``c`` that makes the weighted sum plus ``c`` equal 1 mod 11, written ``X`` when it is 10. Because 11 is
   prime and no weight is 0 mod 11, **every change of one character** is caught (a different digit changes the
   sum by ``d·w`` with ``0 < |d| < 11``, never a multiple of 11; a non-digit breaks the format), and so is every
   swap of two different neighbouring characters (neighbouring weights differ by ``2**k``, never 0 mod 11).
   Two changes can cancel: one pair in eleven goes unseen. Digits 1-2 name the province (or 9 then the province,
   on the 2023 permanent residence card for foreigners), digits 7-14 the date of birth; both are checked for sense.
2. **Unified social credit code** (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character alphabet
   without I, O, Z, S and V; the 18th is computed mod 31 with weights ``3**i mod 31``. For the same reason (31 is
   prime, no weight is 0 mod 31) every change of one character and every swap of two different neighbours is
   caught. Characters 9-17 are an organisation code (GB 11714) with its own check character, which is checked too.
3. **ICP filing number** (ICP备案号), in :mod:`qinglang.qualification.filing`: it has **no check digit**, so only
   its format is checked and a reviewer confirms the filing itself.

Every check first canonicalises (NFKC, so full-width ``１２３Ｘ`` reads as ``123X``; spaces removed; letters upper
case) and reports positions into that canonical form. A :class:`NumberFault` never contains the number itself:
faults end up in logs and API errors, and identity numbers must not. The ``require_*`` helpers raise
:class:`~qinglang.errors.InvalidInput` with a stable code (``invalid_resident_id``, ``invalid_credit_code``;
``invalid_icp_filing`` in ``filing``), the field name, the fault code and the position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from qinglang.errors import InvalidInput
from qinglang.qualification.regions import NATIONAL_CODE, PROVINCE_CODES

MAX_RAW_LENGTH = 64  # longer input is refused before it is normalised: no number here is longer than 20
EARLIEST_BIRTH_YEAR = 1900


class FaultCode(StrEnum):
    """What is wrong with a number. Stable: stored in API errors, never renamed."""

    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    CHECK_DIGIT = "check_digit"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    AUTHORITY = "authority"
    ENTITY_TYPE = "entity_type"
    ORGANISATION_CODE = "organisation_code"
    PROVINCE = "province"
    FORMAT = "format"


@dataclass(frozen=True, slots=True)
class NumberFault:
    """One fault: its code, where it is (``position`` from 0 in the canonical number; ``None`` for the whole
    number) and what a person should do, in English and Chinese. Never contains the number."""

    code: FaultCode
    position: int | None
    message: str
    message_zh: str

    def __str__(self) -> str:
        return self.message


def canonical_number(raw: str) -> str:
    """The canonical form of an identity number: NFKC (full-width digits and letters folded), whitespace and
    hyphens removed, letters upper case."""
    folded = unicodedata.normalize("NFKC", raw[: MAX_RAW_LENGTH * 4])
    return re.sub(r"[\s\-]", "", folded).upper()


def length_limit_fault(raw: str) -> NumberFault | None:
    """A fault for input far longer than any number (refused before it is normalised), or ``None``."""
    if len(raw) <= MAX_RAW_LENGTH:
        return None
    return NumberFault(FaultCode.LENGTH, None, f"is {len(raw)} characters long; no such number is longer than 20",
                       f"长度为 {len(raw)} 个字符，此类号码不超过 20 位")


def _length(value: str, expected: int, what_zh: str) -> NumberFault | None:
    if not value:
        return NumberFault(FaultCode.EMPTY, None, "is empty", "为空")
    if len(value) == expected:
        return None
    return NumberFault(FaultCode.LENGTH, None, f"has {len(value)} characters; it must have {expected}",
                       f"有 {len(value)} 位，{what_zh}应为 {expected} 位")


# --- resident identity number (GB 11643-1999) ----------------------------------------------------------------

_RID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_RID_CHECK = "10X98765432"  # weighted sum mod 11 -> check character


def resident_id_check_character(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) of 17 digits."""
    return _RID_CHECK[sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True)) % 11]


def resident_id_fault(raw: str, *, today: date | None = None) -> NumberFault | None:
    """The first fault of a resident identity number, or ``None`` when it is valid. Checked in order: length,
    characters, check character, province, date of birth (not before 1900, not after ``today`` when given)."""
    value = canonical_number(raw)
    if len(value) == 15 and value.isdigit():
        return NumberFault(FaultCode.LENGTH, None, "has 15 digits: a first-generation number, no longer valid; "
                           "give the 18-digit number", "为 15 位第一代身份证号码，已停止使用，请填写 18 位号码")
    fault = length_limit_fault(raw) or _length(value, 18, "身份证号码")
    if fault is not None:
        return fault
    for i, c in enumerate(value[:17]):
        if not c.isascii() or not c.isdigit():
            return NumberFault(FaultCode.CHARACTER, i, f"character {i + 1} must be a digit",
                               f"第 {i + 1} 位应为数字")
    if value[17] not in "0123456789X":
        return NumberFault(FaultCode.CHARACTER, 17, "character 18 (the check character) must be a digit or X",
                           "第 18 位（校验码）应为数字或 X")
    if value[17] != resident_id_check_character(value[:17]):
        return NumberFault(FaultCode.CHECK_DIGIT, 17, "the check character (character 18) does not match the "
                           "first 17 digits: a digit was mistyped", "第 18 位校验码与前 17 位不符，请核对是否输错")
    return _region_fault(value) or _birth_date_fault(value, today)


def _region_fault(value: str) -> NumberFault | None:
    start = 1 if value[0] == "9" else 0  # 9 + province: the 2023 permanent residence card for foreigners
    if value[start:start + 2] in PROVINCE_CODES:
        return None
    return NumberFault(FaultCode.REGION, start, f"characters {start + 1}-{start + 2} are not a province code",
                       f"第 {start + 1}-{start + 2} 位不是省级行政区划代码")


def _birth_date_fault(value: str, today: date | None) -> NumberFault | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return NumberFault(FaultCode.BIRTH_DATE, 6, "characters 7-14 are not a date (YYYYMMDD)",
                           "第 7-14 位不是有效的出生日期（年月日）")
    if born.year < EARLIEST_BIRTH_YEAR:
        return NumberFault(FaultCode.BIRTH_DATE, 6, f"the date of birth is before {EARLIEST_BIRTH_YEAR}",
                           f"出生日期早于 {EARLIEST_BIRTH_YEAR} 年")
    if today is not None and born > today:
        return NumberFault(FaultCode.BIRTH_DATE, 6, "the date of birth is in the future", "出生日期晚于今天")
    return None


# --- unified social credit code (GB 32100-2015) --------------------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_CC_VALUE = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
_CC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_EXCLUDED_HINT = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}

REGISTRATION_AUTHORITIES: Mapping[str, str] = {
    "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游", "7": "宗教", "8": "工会",
    "9": "市场监管（工商）", "A": "中央军委改革和编制办公室", "N": "农业农村", "Y": "其他",
}
"""Character 1 of a credit code: the authority that registered the unit (GB 32100-2015 table 1)."""

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_character(first17: str) -> str:
    """The check character of the first 17 characters of a credit code (all from the alphabet)."""
    total = sum(_CC_VALUE[c] * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_character(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters (A=10 ... Z=35)."""
    remainder = 11 - sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code_fault(raw: str) -> NumberFault | None:
    """The first fault of a unified social credit code, or ``None``. Checked in order: length, characters, check
    character, registration authority (character 1), entity type (2), region (3-8), organisation code (9-17)."""
    value = canonical_number(raw)
    fault = length_limit_fault(raw) or _length(value, 18, "统一社会信用代码")
    if fault is not None:
        return fault
    for i, c in enumerate(value):
        if c not in _CC_VALUE:
            return _credit_character_fault(i, c)
    if value[17] != credit_code_check_character(value[:17]):
        return NumberFault(FaultCode.CHECK_DIGIT, 17, "the check character (character 18) does not match the "
                           "first 17 characters: a character was mistyped", "第 18 位校验码与前 17 位不符，请核对是否输错")
    return _credit_parts_fault(value)


def _credit_character_fault(i: int, c: str) -> NumberFault:
    if c in _EXCLUDED_HINT:
        return NumberFault(FaultCode.CHARACTER, i, f"character {i + 1} is one of the letters I, O, Z, S, V, which "
                           f"credit codes never use; is it {_EXCLUDED_HINT[c]}?",
                           f"第 {i + 1} 位是统一社会信用代码不使用的字母（I、O、Z、S、V），是否应为 {_EXCLUDED_HINT[c]}？")
    return NumberFault(FaultCode.CHARACTER, i, f"character {i + 1} must be a digit or a capital letter",
                       f"第 {i + 1} 位应为数字或大写字母")


def _credit_parts_fault(value: str) -> NumberFault | None:
    if value[0] not in REGISTRATION_AUTHORITIES:
        return NumberFault(FaultCode.AUTHORITY, 0, "character 1 is not a registration authority code "
                           "(1-9, A, N or Y)", "第 1 位不是登记管理部门代码（1-9、A、N、Y）")
    if value[1] not in "123456789":
        return NumberFault(FaultCode.ENTITY_TYPE, 1, "character 2 (the entity type) must be a digit 1-9",
                           "第 2 位（机构类别代码）应为数字 1-9")
    region = value[2:8]
    if not region.isdigit() or (region[:2] not in PROVINCE_CODES and region[:2] != NATIONAL_CODE):
        return NumberFault(FaultCode.REGION, 2, "characters 3-8 are not a region code",
                           "第 3-8 位不是登记管理机关行政区划码")
    if value[16] != organisation_code_check_character(value[8:16]):
        return NumberFault(FaultCode.ORGANISATION_CODE, 16, "characters 9-17 are not a valid organisation code "
                           "(its check character, character 17, does not match)", "第 9-17 位组织机构代码的校验码（第 17 位）不符")
    return None


def credit_code_entity(code: str) -> tuple[str, str]:
    """The registration authority and entity type a valid credit code declares, for reviewers
    (``("市场监管（工商）", "企业")``); the type is ``"其他"`` where the standard leaves it open."""
    value = canonical_number(code)
    return REGISTRATION_AUTHORITIES.get(value[:1], "其他"), _ENTITY_TYPES.get(value[:2], "其他")


_ENTITY_TYPES: Mapping[str, str] = {
    "11": "机关", "12": "事业单位", "13": "群众团体", "21": "外国常驻新闻机构", "31": "律师执业机构", "32": "公证处",
    "33": "基层法律服务所", "34": "司法鉴定机构", "35": "仲裁委员会", "41": "外国在华文化中心", "51": "社会团体",
    "52": "民办非企业单位", "53": "基金会", "61": "外国旅游部门常驻代表机构", "62": "港澳台地区旅游部门常驻内地代表机构",
    "71": "宗教活动场所", "72": "宗教院校", "81": "基层工会", "91": "企业", "92": "个体工商户", "93": "农民专业合作社",
    "A1": "军队事业单位", "N1": "组级集体经济组织", "N2": "村级集体经济组织", "N3": "乡镇级集体经济组织",
}


# --- require_* ---------------------------------------------------------------------------------------------


def raise_invalid(fault: NumberFault, field: str, code: str, what: str) -> None:
    """Raise ``InvalidInput`` with ``code`` for ``fault`` in ``field`` (the number itself is never included)."""
    raise InvalidInput(f"{field} is not a valid {what}: it {fault.message}" if fault.code in _VERB_FAULTS
                       else f"{field} is not a valid {what}: {fault.message}", code=code,
                       details={"field": field, "fault": fault.code.value, "position": fault.position})


_VERB_FAULTS = {FaultCode.EMPTY, FaultCode.LENGTH}


def require_resident_id(raw: str, field: str = "id_number", *, today: date | None = None) -> str:
    """The canonical resident identity number, or ``invalid_resident_id`` naming the field and the fault."""
    fault = resident_id_fault(raw, today=today)
    if fault is not None:
        raise_invalid(fault, field, "invalid_resident_id", "resident identity number")
    return canonical_number(raw)


def require_credit_code(raw: str, field: str = "credit_code") -> str:
    """The canonical unified social credit code, or ``invalid_credit_code`` naming the field and the fault."""
    fault = credit_code_fault(raw)
    if fault is not None:
        raise_invalid(fault, field, "invalid_credit_code", "unified social credit code")
    return canonical_number(raw)
