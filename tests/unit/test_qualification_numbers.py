"""Identity and filing numbers: known answers from the standards, and the errors the check digits promise to catch.

The check characters in the generators below are computed the way the standards state them (find the character
that makes the full weighted sum come out right), not with the module's tables, so a wrong table fails here.
"""

from __future__ import annotations

import string
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.errors import InvalidInput
from qinglang.qualification.filing import icp_filing_fault, require_icp_filing
from qinglang.qualification.numbers import (
    CREDIT_CODE_ALPHABET,
    FaultCode,
    credit_code_entity,
    credit_code_fault,
    require_credit_code,
    require_resident_id,
    resident_id_fault,
)
from qinglang.qualification.regions import PROVINCE_ABBREVIATIONS, PROVINCE_CODES

# --- generators that follow the standards' own statement of the check -------------------------------------


def iso7064_mod11_2_check(body: str) -> str:
    """ISO 7064 MOD 11-2: the character c with sum(a_i * 2**(18-i), i=1..18) == 1 (mod 11), X standing for 10."""
    for value, char in enumerate("0123456789X"):
        total = sum(int(a) * 2 ** (17 - i) for i, a in enumerate(body)) + value
        if total % 11 == 1:
            return char
    raise AssertionError("no check character")


def gb32100_check(body: str) -> str:
    """GB 32100: the character c with sum(c_i * 3**(i-1), i=1..17) + c == 0 (mod 31)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * 3 ** i for i, c in enumerate(body))
    return next(c for v, c in enumerate(CREDIT_CODE_ALPHABET) if (total + v) % 31 == 0)


def gb11714_check(body: str) -> str:
    value = {**{d: int(d) for d in string.digits}, **{c: 10 + i for i, c in enumerate(string.ascii_uppercase)}}
    remainder = 11 - sum(value[c] * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


digits = st.text(alphabet=string.digits, min_size=1, max_size=1)


@st.composite
def resident_ids(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    body = province + draw(st.text(string.digits, min_size=4, max_size=4)) + born.strftime("%Y%m%d") + draw(
        st.text(string.digits, min_size=3, max_size=3))
    return body + iso7064_mod11_2_check(body)


@st.composite
def credit_codes(draw) -> str:
    authority = draw(st.sampled_from("123456789ANY"))
    kind = draw(st.sampled_from("123456789"))
    region = draw(st.sampled_from(sorted(PROVINCE_CODES))) + draw(st.text(string.digits, min_size=4, max_size=4))
    org = draw(st.text(CREDIT_CODE_ALPHABET, min_size=8, max_size=8))
    body = authority + kind + region + org + gb11714_check(org)
    return body + gb32100_check(body)


# --- known answers -----------------------------------------------------------------------------------------


def test_the_standard_examples_of_gb_11643_pass_the_check_character():
    assert resident_id_fault("11010519491231002X") is None
    assert resident_id_fault("11010519491231002x") is None  # lower-case x is the same character
    assert resident_id_fault("１１０１０５１９４９１２３１００２Ｘ") is None  # full-width, as pasted from a form
    # The standard's second example was born in 1880: its check character is right, its birth year is refused.
    fault = resident_id_fault("440524188001010014")
    assert fault.code is FaultCode.BIRTH_DATE and fault.position == 6


def test_published_credit_codes_pass():
    for code in ("91110108551385082Q", "91110000600037341L", "91350100M000100Y43"):
        assert credit_code_fault(code) is None, code


def test_credit_code_entity_names_authority_and_type():
    assert credit_code_entity("91110108551385082Q") == ("市场监管（工商）", "企业")


@pytest.mark.parametrize("number", ["京ICP备12345678号", "京ICP备12345678号-1", "沪ICP备2021012345号-12",
                                    "蜀ICP备12345678号", "京 icp 备 12345678 号 - 3"])
def test_icp_filing_numbers_in_their_usual_forms_pass(number):
    assert icp_filing_fault(number) is None


@pytest.mark.parametrize(("number", "code", "position", "words"), [
    ("港ICP备12345678号", FaultCode.PROVINCE, 0, "province"),
    ("京ICP证030173号", FaultCode.FORMAT, 1, "ICP licence number"),
    ("京公网安备11010502030143号", FaultCode.FORMAT, 1, "public security"),
    ("京ICP备12345号", FaultCode.FORMAT, 5, "6 to 10 digits"),
    ("京ICP备12345678", FaultCode.FORMAT, 13, "号"),
    ("京ICP备12345678号-0", FaultCode.FORMAT, 14, "site number"),
    ("", FaultCode.EMPTY, None, "empty"),
])
def test_icp_filing_faults_say_what_and_where(number, code, position, words):
    fault = icp_filing_fault(number)
    assert (fault.code, fault.position) == (code, position)
    assert words in fault.message


def test_resident_id_faults_say_what_and_where():
    assert resident_id_fault("1101051949123100").code is FaultCode.LENGTH
    assert "first-generation" in resident_id_fault("110105491231002").message
    assert resident_id_fault("11010519491231A02X").position == 14
    body = "00010519491231002"  # no province 00; the check character is right, so the region is what is wrong
    fault = resident_id_fault(body + iso7064_mod11_2_check(body))
    assert (fault.code, fault.position) == (FaultCode.REGION, 0)
    assert resident_id_fault("x" * 1000).code is FaultCode.LENGTH


def test_resident_id_birth_date_must_exist_and_not_be_in_the_future():
    body = "11010520230229001"  # 2023 has no 29 February
    assert resident_id_fault(body + iso7064_mod11_2_check(body)).code is FaultCode.BIRTH_DATE
    body = "11010520300101001"
    number = body + iso7064_mod11_2_check(body)
    assert resident_id_fault(number) is None
    assert resident_id_fault(number, today=date(2025, 1, 1)).code is FaultCode.BIRTH_DATE


def test_foreigners_permanent_residence_number_reads_the_province_after_the_9():
    body = "91115619900101001"  # 9, Beijing (11), nationality 156, born 1990-01-01
    assert resident_id_fault(body + iso7064_mod11_2_check(body)) is None
    body = "99915619900101001"
    assert resident_id_fault(body + iso7064_mod11_2_check(body)).code is FaultCode.REGION


def test_credit_code_hints_at_the_letters_it_never_uses():
    fault = credit_code_fault("91110108551385O82Q")
    assert fault.code is FaultCode.CHARACTER and fault.position == 14
    assert "is it 0?" in fault.message


def test_credit_code_parts_are_checked_after_the_check_character():
    body = "B1110108551385082"  # B is no registration authority
    assert credit_code_fault(body + gb32100_check(body)).code is FaultCode.AUTHORITY
    body = "91110108551385083"  # organisation code check character wrong, outer check recomputed
    assert credit_code_fault(body + gb32100_check(body)).code is FaultCode.ORGANISATION_CODE


def test_faults_never_contain_the_number():
    for number, check in (("11010519491231002Y", resident_id_fault), ("91110108551385082R", credit_code_fault)):
        fault = check(number)
        assert number not in fault.message and number[:14] not in fault.message_zh


def test_require_helpers_raise_stable_codes_naming_field_fault_and_position():
    with pytest.raises(InvalidInput) as err:
        require_resident_id("110105194912310021", "operator.id_number")
    assert err.value.code == "invalid_resident_id"
    assert err.value.details == {"field": "operator.id_number", "fault": "check_digit", "position": 17}
    with pytest.raises(InvalidInput) as err:
        require_credit_code("9111")
    assert err.value.code == "invalid_credit_code" and "it has 4 characters" in err.value.message
    with pytest.raises(InvalidInput) as err:
        require_icp_filing("ICP备123")
    assert err.value.code == "invalid_icp_filing"
    assert require_resident_id(" 11010519491231002x ") == "11010519491231002X"
    assert require_icp_filing("京icp备12345678号－1") == "京ICP备12345678号-1"


# --- properties: what the algorithms guarantee ----------------------------------------------------------------


@given(resident_ids())
def test_every_resident_id_built_with_a_correct_check_character_validates(number):
    assert resident_id_fault(number) is None


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_substitution_of_a_resident_id_is_caught_by_the_check_character(number, i, char):
    changed = number[:i] + char + number[i + 1:]
    if changed == number or (char == "X" and i < 17):
        return  # the same number, or an X among the digits (a format fault, tested below)
    fault = resident_id_fault(changed)
    assert fault is not None and fault.code is FaultCode.CHECK_DIGIT and fault.position == 17


def _folds_to_a_digit_or_x(char: str) -> bool:
    """NFKC folds full-width (and superscript, circled) digits to ASCII: by design the same number."""
    return unicodedata.normalize("NFKC", char).upper() in set("0123456789X")


@given(resident_ids(), st.integers(0, 17),
       st.characters(exclude_characters="0123456789Xx").filter(lambda c: not _folds_to_a_digit_or_x(c)))
def test_a_resident_id_with_any_other_character_is_refused(number, i, char):
    changed = number[:i] + char + number[i + 1:]
    assert resident_id_fault(changed) is not None


@given(resident_ids(), st.integers(0, 16))
def test_every_swap_of_two_different_neighbours_in_a_resident_id_is_caught(number, i):
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    if swapped != number:
        assert resident_id_fault(swapped) is not None


@given(resident_ids(), st.integers(0, 17), digits)
def test_a_digit_inserted_or_dropped_is_caught_by_the_length(number, i, digit):
    assert resident_id_fault(number[:i] + digit + number[i:]).code is FaultCode.LENGTH
    assert resident_id_fault(number[:i] + number[i + 1:]).code is FaultCode.LENGTH


def test_two_changes_can_cancel_out_as_the_docstring_says():
    """Not a guarantee the check makes: with weights 7 (digit 1) and 9 (digit 2), +1 on the first digit and
    +2 on the second change the sum by 7 + 18 = 25 = 3 (mod 11); +2 and +3 give 14 + 27 = 41 = 8; the search
    below finds a pair that gives 0 and shows that such a double error passes."""
    number = "11010519491231002X"
    found = [
        a + b + number[2:]
        for a in string.digits for b in string.digits
        if (a + b) != number[:2] and resident_id_fault(a + b + number[2:]) is None
    ]
    assert found, "some pair of changed digits keeps the check character right"


@given(credit_codes())
def test_every_credit_code_built_with_correct_check_characters_validates(code):
    assert credit_code_fault(code) is None


@given(credit_codes(), st.integers(0, 17), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_every_single_substitution_of_a_credit_code_is_caught_by_the_check_character(code, i, char):
    changed = code[:i] + char + code[i + 1:]
    if changed != code:
        fault = credit_code_fault(changed)
        assert fault is not None and fault.code is FaultCode.CHECK_DIGIT and fault.position == 17


@given(credit_codes(), st.integers(0, 17), st.sampled_from("IOZSV"))
def test_a_credit_code_with_a_letter_it_never_uses_is_refused_where_it_is(code, i, char):
    fault = credit_code_fault(code[:i] + char + code[i + 1:])
    assert fault.code is FaultCode.CHARACTER and fault.position == i


@given(credit_codes(), st.integers(0, 16))
def test_every_swap_of_two_different_neighbours_in_a_credit_code_is_caught(code, i):
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
    if swapped != code:
        assert credit_code_fault(swapped) is not None


@given(st.sampled_from(sorted(PROVINCE_ABBREVIATIONS)), st.text(string.digits, min_size=6, max_size=10),
       st.integers(0, 9), st.sampled_from(string.digits))
def test_an_icp_filing_has_no_check_digit_so_a_changed_digit_still_passes(province, serial, i, digit):
    """Stated in the module docstring: the format is all that can be checked; a reviewer confirms the filing."""
    assert icp_filing_fault(f"{province}ICP备{serial}号") is None
    i = i % len(serial)
    assert icp_filing_fault(f"{province}ICP备{serial[:i]}{digit}{serial[i + 1:]}号") is None


@given(st.text(max_size=80))
def test_no_input_makes_a_check_raise(raw):
    for check in (resident_id_fault, credit_code_fault, icp_filing_fault):
        result = check(raw)
        assert result is None or isinstance(result.code, FaultCode)


def test_every_one_of_the_189_substitutions_of_one_number_is_caught():
    """The guarantee checked exhaustively for the standard's example: 17 digit positions x 9 other digits, plus
    the check position x 10 other check characters."""
    number = "11010519491231002X"
    changed = [number[:i] + c + number[i + 1:] for i in range(18)
               for c in ("0123456789X" if i == 17 else string.digits) if c != number[i]]
    assert len(changed) == 17 * 9 + 10
    assert all(resident_id_fault(n).code is FaultCode.CHECK_DIGIT for n in changed)
