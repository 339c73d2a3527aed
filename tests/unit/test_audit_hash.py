"""The audit hash and canonical JSON are stable and sensitive to every field."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from qinglang.storage.sql_audit import canonical_json, event_hash

AT = datetime(2026, 1, 1, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_json_ignores_key_order(data):
    reordered = dict(reversed(list(data.items())))
    assert canonical_json(data) == canonical_json(reordered)


@given(st.text(max_size=20), st.text(max_size=20))
def test_event_hash_changes_with_the_previous_hash_and_the_actor(prev, actor):
    base = event_hash(prev, AT, actor, "a", "s", "1", {})
    assert base != event_hash(prev + "x", AT, actor, "a", "s", "1", {})
    assert base != event_hash(prev, AT, actor + "x", "a", "s", "1", {})
    assert base == event_hash(prev, AT, actor, "a", "s", "1", {})
