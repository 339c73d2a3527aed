"""The /metrics exposition text, read back with prometheus_client's own parser."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from qinglang.statistics.prometheus import LiveSnapshot, render_prometheus

SNAPSHOT = LiveSnapshot(
    taken_at=datetime(2026, 11, 30, 8, tzinfo=UTC),
    screened={"pass": 9000, "review": 120, "block": 45},
    detector_failures={"qr": 2},
    cases_open={"porn": 12, 'we"ird': 1},
    cases_overdue={"porn": 3},
    oldest_open_seconds={"porn": 7200.5},
    reports_received=684,
    reports_open=40,
    actions={"take_down": 30, "close": 2},
    approvals_pending=1,
    appeals_open=4,
    list_entries_active={"block": {"domain": 101, "contact": 200}},
    outbox={"pending": 2, "dead": 1},
)


def samples():
    text = render_prometheus(SNAPSHOT)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_every_figure_of_the_snapshot_is_exposed_with_its_labels():
    got = samples()
    assert got[("qinglang_screened_total", (("verdict", "block"),))] == 45
    assert got[("qinglang_cases_overdue", (("queue", "porn"),))] == 3
    assert got[("qinglang_case_oldest_open_age_seconds", (("queue", "porn"),))] == 7200.5
    assert got[("qinglang_reports_received_total", ())] == 684
    assert got[("qinglang_list_entries_active", (("kind", "contact"), ("list", "block")))] == 200
    assert got[("qinglang_outbox_events", (("status", "dead"),))] == 1
    assert got[("qinglang_snapshot_timestamp_seconds", ())] == SNAPSHOT.taken_at.timestamp()


def test_label_values_are_escaped_by_the_library():
    assert samples()[("qinglang_cases_open", (("queue", 'we"ird'),))] == 1
    assert 'queue="we\\"ird"' in render_prometheus(SNAPSHOT)


def test_counters_and_gauges_are_typed():
    text = render_prometheus(SNAPSHOT)
    assert "# TYPE qinglang_actions_total counter" in text
    assert "# TYPE qinglang_cases_open gauge" in text
