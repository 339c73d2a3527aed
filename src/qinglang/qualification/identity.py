"""Identity documents: validated once, then kept only as a keyed hash and a masked display.

An operator's identity number is personal data (a resident identity number names a person's birthday and home
county). qinglang needs it for two things only: to see that two accounts belong to the same operator, and to stop
a blacklisted operator from coming back under a new account. Both work on a **keyed hash**:

    digest = HMAC-SHA256(key, "<kind>:<canonical number>")

The same number under the same key gives the same digest, so a blacklist entry matches every later account of
that operator. Without the key a guess cannot even be checked against the digest; a plain SHA-256 of an identity
number could be reversed by trying the ~10^11 plausible numbers (3,000 counties x 36,500 birth dates x 1,000
sequence numbers), minutes of work for one GPU. The kind is part of the message, so a credit code and an
identity number never collide. The service layer passes the key (a configured secret); ``key_id`` names it so keys can be rotated.

What people see is the **masked display**: ``110105********123X`` (region and last four; the date of birth is
hidden) or ``9111**********341L``. The raw number lives only inside :class:`IdentityDocument`, whose ``repr``
and ``str`` mask it, between validation and hashing; :class:`IdentityRecord`, what is stored, never holds it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from qinglang.qualification.numbers import (
    NumberFault,
    canonical_number,
    credit_code_fault,
    resident_id_fault,
)

MIN_KEY_BYTES = 16
DIGEST_PREFIX = "hmac-sha256:"


class IdentityKind(StrEnum):
    """Which identity document an operator presents."""

    RESIDENT_ID = "resident_id"  # 居民身份证 (also the residence permits and the 2023 foreigner's card)
    CREDIT_CODE = "credit_code"  # 统一社会信用代码


_CLEAR = {IdentityKind.RESIDENT_ID: (6, 4), IdentityKind.CREDIT_CODE: (4, 4)}  # characters shown at each end


def mask(kind: IdentityKind, number: str) -> str:
    """The display form: the first and last characters kept, the rest as ``*`` (same length)."""
    head, tail = _CLEAR[kind]
    value = canonical_number(number)
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    """A validated identity number, held only until it is hashed. ``repr`` and ``str`` show the masked form."""

    kind: IdentityKind
    number: str = field(repr=False)

    @property
    def masked(self) -> str:
        return mask(self.kind, self.number)

    def __repr__(self) -> str:
        return f"IdentityDocument(kind={self.kind.value!r}, masked={self.masked!r})"

    def __str__(self) -> str:
        return self.masked


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """What is stored for an identity document: the keyed hash, the masked display and the key's id."""

    kind: IdentityKind
    digest: str  # "hmac-sha256:<64 hex>"
    masked: str
    key_id: str

    def __repr__(self) -> str:
        return f"IdentityRecord(kind={self.kind.value!r}, masked={self.masked!r}, key_id={self.key_id!r})"


def parse_identity(kind: IdentityKind, raw: str, *, today: date | None = None) -> IdentityDocument | NumberFault:
    """Validate ``raw`` as a document of ``kind``: the document (canonical number) or the first fault."""
    kind = IdentityKind(kind)
    fault = resident_id_fault(raw, today=today) if kind is IdentityKind.RESIDENT_ID else credit_code_fault(raw)
    if fault is not None:
        return fault
    return IdentityDocument(kind, canonical_number(raw))


def identity_digest(kind: IdentityKind, number: str, key: bytes) -> str:
    """``hmac-sha256:<hex>`` of ``"<kind>:<canonical number>"`` under ``key`` (at least 16 bytes)."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the identity hashing key must be at least {MIN_KEY_BYTES} bytes, got {len(key)}")
    message = f"{IdentityKind(kind).value}:{canonical_number(number)}".encode()
    return DIGEST_PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()


def keyed_record(document: IdentityDocument, *, key: bytes, key_id: str) -> IdentityRecord:
    """The record to store for a validated document: keyed hash, masked display, key id. The number is dropped."""
    return IdentityRecord(document.kind, identity_digest(document.kind, document.number, key), document.masked,
                          key_id)


def same_identity(record: IdentityRecord, document: IdentityDocument, key: bytes) -> bool:
    """Whether ``document`` is the one ``record`` was made from (compared in constant time)."""
    if record.kind is not document.kind:
        return False
    return hmac.compare_digest(record.digest, identity_digest(document.kind, document.number, key))
