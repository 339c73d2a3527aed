"""The types of every value the HTTP API takes from outside: body fields, path and query parameters, form fields.

A value that Python and JSON accept can still break the layers below (see :mod:`qinglang.domain.values`): a NUL
byte that PostgreSQL refuses, a lone surrogate (``"\\ud800"``) that cannot be encoded as UTF-8, an integer an id
column cannot hold (PostgreSQL's INTEGER is 32 bits), a JSON value nested so deep that serialising it fails.
These types refuse such values while the request is parsed, so the whole request gets one ``422`` naming the
field (``details.errors[].field``) before anything is screened or written:

- :data:`Text` — a string without NUL bytes or lone surrogates: code ``invalid_text``.
- :data:`DbInt` — an integer an id column holds (32 bits: see :data:`~qinglang.domain.values.MAX_ID`): code
  ``id_out_of_range``. The range is written into the OpenAPI schema (``minimum``/``maximum``) so that clients
  and fuzzers know it; add tighter bounds with ``Query(ge=0)`` as usual.
- :data:`JsonObject` — a free-form JSON object (an operator's licence) at most :data:`MAX_JSON_DEPTH` deep, with
  storable strings as keys and values: codes ``json_too_deep`` and ``invalid_text``.

Use them for every field and parameter: ``name: Text``, ``entry_id: Annotated[DbInt, Path()]``. The error
handler (:mod:`qinglang.api.errors`) turns the pydantic error types into the codes of the same name.
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from qinglang.domain.values import MAX_DB_INT, MAX_ID, MIN_DB_INT, MIN_ID, text_fault

MAX_JSON_DEPTH = 16  # objects in objects: far more than a licence needs, far less than any serialiser's limit

EDGE_CODES = frozenset({"invalid_text", "json_too_deep"})
"""Pydantic error types raised here; each is also the API error code the caller sees."""


def _storable_text(value: str) -> str:
    fault = text_fault(value)
    if fault is not None:
        raise PydanticCustomError("invalid_text", "{fault}; send valid UTF-8 text without NUL bytes", {"fault": fault})
    return value


def _json_object(value: dict[str, Any]) -> dict[str, Any]:
    """Walk the object breadth first (no recursion: depth is what is being checked) and refuse the first fault."""
    level: list[Any] = [value]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise PydanticCustomError(
                "json_too_deep", "is nested more than {limit} levels deep; flatten it", {"limit": MAX_JSON_DEPTH}
            )
        level = _children(level)
    return value


def _children(level: list[Any]) -> list[Any]:
    """The containers one level down, after checking every string on this level."""
    below: list[Any] = []
    for node in level:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            for text in (key, child):
                if isinstance(text, str):
                    _storable_text(text)
            if isinstance(child, dict | list):
                below.append(child)
    return below


Text = Annotated[str, AfterValidator(_storable_text)]
"""A string that can be stored, hashed and normalised: no NUL byte, no lone surrogate."""

DbInt = Annotated[int, Ge(MIN_ID), Le(MAX_ID)]
"""An integer an id column holds (ids, id cursors, counts compared with them). Pydantic checks the bounds
itself (they stay exact in the schema); :func:`edge_code` names a breach ``id_out_of_range``."""

_ID_BOUNDS = frozenset({MAX_ID, MIN_ID, MAX_DB_INT, MIN_DB_INT})


def edge_code(error: dict[str, Any]) -> str | None:
    """The API error code of one pydantic error raised by these types, or ``None`` for any other error.

    Two come from pydantic itself: ``string_unicode`` (it refuses a lone surrogate in a string with a length
    constraint before our validator runs) and a breach of the bounds of :data:`DbInt`.
    """
    kind = error.get("type", "")
    if kind in EDGE_CODES:
        return kind
    if kind == "string_unicode":
        return "invalid_text"
    bound = (error.get("ctx") or {}).get("le" if kind == "less_than_equal" else "ge")
    if kind in ("less_than_equal", "greater_than_equal") and bound in _ID_BOUNDS:
        return "id_out_of_range"
    return None


def edge_message(error: dict[str, Any]) -> str:
    """What to tell the caller about an error :func:`edge_code` recognised."""
    value = error.get("input")
    fault = text_fault(value) if error.get("type") == "string_unicode" and isinstance(value, str) else None
    if fault is not None:
        return f"{fault}; send valid UTF-8 text without NUL bytes"
    if error.get("type") in ("less_than_equal", "greater_than_equal"):
        return f"is outside the range of an integer column ({MIN_ID} to {MAX_ID}); no such record can exist"
    return error.get("msg", "invalid value")


JsonObject = Annotated[dict[Text, Any], AfterValidator(_json_object)]
"""A free-form JSON object: storable strings, at most :data:`MAX_JSON_DEPTH` levels deep."""
