"""Values every edge accepts from outside: text a database can store and an id a database column can hold.

The API, the console and the CLI all take strings and integers from people and programs that may be careless
or hostile. Two kinds of value look fine to Python and still break the layers below:

1. **Text with a NUL byte** (``"a\\x00b"``): PostgreSQL refuses it in every text column.
2. **Text with a lone surrogate** (JSON ``"\\ud800"``): valid JSON, but not Unicode; it cannot be encoded as
   UTF-8, so storing, hashing or normalising it fails.
3. **An integer beyond 64 bits** (``99999999999999999999``): a valid JSON number and a valid Python ``int``,
   but no database integer column can compare against it.

Each check finds the fault first (``text_fault``, a value, never an exception), so a caller can report every
bad field at once; the ``require_*`` helpers raise :class:`~qinglang.errors.InvalidInput` with a stable code and
a message that says which field and what to do.
"""

from __future__ import annotations

import re

from qinglang.errors import InvalidInput

MAX_DB_INT = 2**63 - 1  # the largest value a BIGINT (and SQLite's INTEGER) column holds
MIN_DB_INT = -(2**63)
# Every id column of qinglang is an INTEGER: 64 bits on SQLite but 32 on PostgreSQL, where SQLAlchemy casts a
# bound id to INTEGER and a larger one fails ("integer out of range"). Ids, id cursors and counts compared
# with them must fit in 32 bits.
MAX_ID = 2**31 - 1
MIN_ID = -(2**31)

LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # valid in JSON (``"\\ud800"``) and in a str, but not Unicode text
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def text_fault(value: str) -> str | None:
    """What makes ``value`` unstorable, or ``None`` when it is fine: a NUL byte or a lone surrogate, with its
    position (characters from 0)."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return f"contains a NUL byte (\\u0000) at character {found.start()}"
    return f"contains a lone surrogate (\\u{ord(found.group()):04x}) at character {found.start()}, which is not Unicode text"


def require_text(value: str, field: str) -> str:
    """Return ``value`` unchanged, or raise ``invalid_text`` naming the field."""
    fault = text_fault(value)
    if fault is not None:
        raise InvalidInput(f"{field} {fault}; send valid UTF-8 text without control characters", code="invalid_text",
                           details={"field": field})
    return value


def int_fault(value: int) -> str | None:
    """What makes ``value`` unusable as a database integer, or ``None`` when it fits in 64 bits."""
    if MIN_DB_INT <= value <= MAX_DB_INT:
        return None
    return f"is outside the 64-bit range ({MIN_DB_INT} to {MAX_DB_INT})"


def require_db_int(value: int, field: str) -> int:
    """Return ``value`` unchanged, or raise ``id_out_of_range`` naming the field."""
    fault = int_fault(value)
    if fault is not None:
        raise InvalidInput(f"{field} {fault}; no such record can exist", code="id_out_of_range",
                           details={"field": field})
    return value
