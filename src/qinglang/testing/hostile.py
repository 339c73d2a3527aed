"""Hypothesis strategies for the values an attacker (or a careless client) sends: the inputs that once turned
into server errors. Every edge of qinglang (the HTTP API, the console forms, the CLI) should answer each of them
with a coded error, and a plug-in's own edge can be fuzzed with the same values::

    from hypothesis import given
    from qinglang.testing.hostile import unstorable_text

    @given(unstorable_text())
    def test_title_is_refused(title):
        assert client.post("/v1/screen", json={"title": title}).json()["error"]["code"] == "invalid_text"

Needs ``hypothesis`` (the ``dev`` extra). The families, and why each one broke something:

- :func:`unstorable_text` — text with a NUL byte (PostgreSQL refuses it in any text column) or a lone
  surrogate (valid JSON ``"\\ud800"``, but not Unicode: UTF-8 encoding, hashing and the classifier fail).
- :func:`out_of_range_ints` — integers an INTEGER column cannot hold: past 32 bits PostgreSQL refuses them
  ("integer out of range"), past 64 bits SQLite overflows too; valid JSON and Python all the same.
- :func:`deep_json` — a JSON document nested past the parser's stack (``RecursionError``) or past a
  serialiser's depth limit.
- :func:`invalid_utf8` — bytes that are not UTF-8 (stray continuation bytes, overlong forms, encoded
  surrogates, cut-off sequences), for bodies that claim to be text.
- :func:`huge_text` — strings past any reasonable field limit, built cheaply (repetition, not generation).
"""

from __future__ import annotations

from hypothesis import strategies as st

from qinglang.domain.values import MAX_DB_INT, MAX_ID, MIN_DB_INT, MIN_ID

_STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_BAD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"])
_INVALID_UTF8 = (
    b"\x80",  # a continuation byte with nothing before it
    b"\xc0\x80",  # an overlong NUL
    b"\xe0\x80\xaf",  # an overlong '/'
    b"\xed\xa0\x80",  # a UTF-16 surrogate encoded as UTF-8 (CESU-8)
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xe4\xb8",  # the first two bytes of a three-byte character, cut off
    b"\xff",
    b"\xfe",
)


def unstorable_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Ordinary text (CJK included) with one NUL byte or lone surrogate somewhere in it."""
    return st.builds(
        lambda before, bad, after: before + bad + after,
        st.text(_STORABLE, max_size=max_size // 2),
        _BAD_CHARACTERS,
        st.text(_STORABLE, max_size=max_size // 2),
    )


def out_of_range_ints() -> st.SearchStrategy[int]:
    """Integers outside the 32-bit range of an id column, both signs, from just past the edge to 40 digits,
    with the 64-bit edges among them."""
    return st.one_of(
        st.integers(MAX_ID + 1, 10**40),
        st.integers(-(10**40), MIN_ID - 1),
        st.sampled_from([MAX_ID + 1, MIN_ID - 1, MAX_DB_INT, MAX_DB_INT + 1, MIN_DB_INT - 1, 2**64]),
    )


def deep_json(min_depth: int = 1_000, max_depth: int = 50_000) -> st.SearchStrategy[bytes]:
    """A JSON document (bytes) of arrays or objects nested ``min_depth`` to ``max_depth`` levels deep."""

    def nest(depth: int, kind: str) -> bytes:
        if kind == "array":
            return b"[" * depth + b"]" * depth
        return b'{"a":' * depth + b"1" + b"}" * depth

    return st.builds(nest, st.integers(min_depth, max_depth), st.sampled_from(["array", "object"]))


def nested_object(depth: int) -> dict:
    """A Python dict nested ``depth`` levels deep (``{"a": {"a": ... 1}}``), built without recursion."""
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value  # type: ignore[return-value]


def invalid_utf8() -> st.SearchStrategy[bytes]:
    """Bytes that do not decode as UTF-8: a bad sequence between two runs of valid UTF-8."""
    valid = st.text(_STORABLE, max_size=20).map(lambda s: s.encode("utf-8"))
    return st.builds(lambda a, bad, b: a + bad + b, valid, st.sampled_from(_INVALID_UTF8), valid)


def huge_text(min_size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    """A string of ``min_size`` to ``max_size`` characters (default twice ``min_size``), one repeated chunk."""
    top = max_size if max_size is not None else 2 * min_size
    return st.builds(
        lambda chunk, size: (chunk * (size // len(chunk) + 1))[:size],
        st.text(_STORABLE, min_size=1, max_size=8),
        st.integers(min_size, top),
    )
