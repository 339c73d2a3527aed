"""Identity documents: the raw number never shows, the keyed hash matches the same number and only under its key."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglang.qualification.identity import (
    IdentityDocument,
    IdentityKind,
    identity_digest,
    keyed_record,
    mask,
    parse_identity,
    same_identity,
)
from qinglang.qualification.numbers import FaultCode, NumberFault
from qinglang.qualification.operators import OperatorKind, identity_kind_fault, identity_notes

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
RID = "11010519491231002X"
USCC = "91110108551385082Q"


def test_masks_keep_the_ends_and_hide_the_birth_date():
    assert mask(IdentityKind.RESIDENT_ID, RID) == "110105********002X"
    assert mask(IdentityKind.CREDIT_CODE, USCC) == "9111**********082Q"


def test_a_document_never_shows_its_number_in_repr_str_or_format():
    doc = parse_identity(IdentityKind.RESIDENT_ID, RID)
    for shown in (repr(doc), str(doc), f"{doc}", f"{doc!r}", repr([doc]), repr({"d": doc})):
        assert "19491231" not in shown and RID not in shown
    assert doc.number == RID  # the service still reads it, to hash it


def test_the_stored_record_holds_no_number_at_all():
    record = keyed_record(parse_identity(IdentityKind.RESIDENT_ID, RID), key=KEY, key_id="2025-01")
    fields = [getattr(record, f) for f in record.__slots__]
    assert not any(isinstance(v, str) and "19491231" in v for v in fields)
    assert record.masked == "110105********002X" and record.key_id == "2025-01"
    assert record.digest.startswith("hmac-sha256:") and len(record.digest) == len("hmac-sha256:") + 64
    assert record.digest not in repr(record)


def test_parse_identity_returns_the_fault_for_a_bad_number():
    fault = parse_identity("resident_id", "110105194912310021")
    assert isinstance(fault, NumberFault) and fault.code is FaultCode.CHECK_DIGIT


def test_the_digest_is_keyed_so_a_plain_hash_of_the_number_does_not_match_it():
    digest = identity_digest(IdentityKind.RESIDENT_ID, RID, KEY)
    assert digest != identity_digest(IdentityKind.RESIDENT_ID, RID, OTHER_KEY)
    assert hashlib.sha256(RID.encode()).hexdigest() not in digest
    assert hashlib.sha256(f"resident_id:{RID}".encode()).hexdigest() not in digest


def test_the_same_number_written_differently_gives_the_same_digest_and_matches():
    a = keyed_record(parse_identity(IdentityKind.RESIDENT_ID, RID), key=KEY, key_id="k1")
    b = parse_identity(IdentityKind.RESIDENT_ID, " １１０１０５１９４９１２３１００２ｘ ")
    assert a.digest == keyed_record(b, key=KEY, key_id="k1").digest
    assert same_identity(a, b, KEY) and not same_identity(a, b, OTHER_KEY)


def test_kind_is_part_of_the_hashed_message():
    assert identity_digest(IdentityKind.RESIDENT_ID, "X", KEY) != identity_digest(IdentityKind.CREDIT_CODE, "X", KEY)


def test_a_short_key_is_refused():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        identity_digest(IdentityKind.RESIDENT_ID, RID, b"short")


@given(st.binary(min_size=16, max_size=64), st.binary(min_size=16, max_size=64))
def test_two_keys_give_two_digests(key_a, key_b):
    if key_a != key_b:
        assert identity_digest(IdentityKind.CREDIT_CODE, USCC, key_a) != identity_digest(
            IdentityKind.CREDIT_CODE, USCC, key_b)


def test_an_individual_must_present_a_resident_id_and_an_organisation_a_credit_code():
    person = IdentityDocument(IdentityKind.RESIDENT_ID, RID)
    company = IdentityDocument(IdentityKind.CREDIT_CODE, USCC)
    assert identity_kind_fault(OperatorKind.INDIVIDUAL, person) is None
    assert identity_kind_fault(OperatorKind.ENTERPRISE, company) is None
    assert identity_kind_fault(OperatorKind.ENTERPRISE, person).code == "identity_kind_mismatch"
    assert identity_kind_fault(OperatorKind.INDIVIDUAL, company).code == "identity_kind_mismatch"


def test_a_credit_code_of_another_unit_type_is_a_note_for_the_reviewer_not_a_refusal():
    company = IdentityDocument(IdentityKind.CREDIT_CODE, USCC)  # 91: an enterprise
    assert identity_notes(OperatorKind.ENTERPRISE, company) == ()
    (note,) = identity_notes(OperatorKind.GOVERNMENT, company)
    assert note.code == "unit_type_differs" and "企业" in note.zh and USCC not in note.zh
