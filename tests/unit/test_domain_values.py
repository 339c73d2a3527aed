"""Values from outside: NUL bytes, lone surrogates and integers beyond 64 bits are found and named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.domain.values import MAX_DB_INT, int_fault, require_db_int, require_text, text_fault
from qinglang.errors import InvalidInput


def test_nul_byte_is_found_with_its_position():
    assert text_fault("ab\x00c") == "contains a NUL byte (\\u0000) at character 2"


def test_lone_surrogate_is_found_with_its_code_point():
    assert "\\ud800" in text_fault("x\ud800")
    assert "at character 1" in text_fault("x\ud800")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_storable_text_passes_unchanged(text):
    assert text_fault(text) is None
    assert require_text(text, "title") is text
    text.encode("utf-8")  # what the check promises: it can be encoded and stored


def test_require_text_raises_a_stable_code_naming_the_field():
    with pytest.raises(InvalidInput) as err:
        require_text("\x00", "reason")
    assert err.value.code == "invalid_text"
    assert err.value.details == {"field": "reason"}
    assert err.value.message.startswith("reason contains a NUL byte")


@given(st.integers())
def test_int_fault_matches_the_64_bit_range(value):
    assert (int_fault(value) is None) == (-(2**63) <= value <= 2**63 - 1)


def test_require_db_int_refuses_beyond_64_bits():
    assert require_db_int(MAX_DB_INT, "id") == MAX_DB_INT
    with pytest.raises(InvalidInput) as err:
        require_db_int(MAX_DB_INT + 1, "since")
    assert err.value.code == "id_out_of_range"
