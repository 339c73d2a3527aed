"""Pure rules of the review side: priority, reporter weight, SLA and evidence highlighting (property-tested)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from qinglang.console.highlight import segments
from qinglang.domain.review import scoring


@given(st.integers(0, 3), st.integers(0, 10**6), st.floats(0, 20), st.floats(0, 100), st.integers(1, 1000))
def test_priority_grows_with_reach_and_reports(severity, reach, weight, age, extra):
    base = scoring.priority(severity, reach, weight, age)
    assert scoring.priority(severity, reach + extra, weight, age) >= base
    assert scoring.priority(severity, reach, weight + 1, age) > base


@given(st.integers(0, 100), st.integers(0, 100))
def test_reporter_weight_stays_in_range_and_rejections_lower_it(verified, rejected):
    weight = scoring.reporter_weight(verified, rejected)
    assert 0.1 <= weight <= 1.0
    assert scoring.reporter_weight(verified, rejected + 1) <= weight


def test_sla_is_shorter_for_severe_cases():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert scoring.sla_due(now, 3, {"3": 2, "1": 48}) < scoring.sla_due(now, 1, {"3": 2, "1": 48})
    assert scoring.time_left(now, datetime(2026, 1, 1, 0, 40, tzinfo=UTC)) == "-0h40m"


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=8)


@given(st.text(max_size=60), spans)
def test_highlight_segments_rebuild_the_original_text_and_keep_every_overlapping_span(text, raw):
    evidence = [{"field": "text", "start": s, "end": s + n, "detector": "lexicon", "label": f"porn/{i}"}
                for i, (s, n) in enumerate(raw)]
    parts, hits = segments(text, evidence)
    assert "".join(p.text for p in parts) == text
    fitting = {(s, s + n) for s, n in raw if s + n <= len(text)}
    assert {(h.start, h.end) for h in hits} == fitting  # no span swallowed by another
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text
        # the pieces that carry a hit's number are exactly its span, in order
        pos, covered = 0, ""
        for part in parts:
            if hit.number in part.hits:
                assert hit.start <= pos and pos + len(part.text) <= hit.end
                covered += part.text
            pos += len(part.text)
        assert covered == hit.text
