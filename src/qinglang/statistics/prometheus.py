"""Live figures for operators, in the Prometheus text exposition format.

``render_prometheus(snapshot)`` is a pure function from a ``LiveSnapshot`` (counted by a service from the
database when ``/metrics`` is scraped) to the exposition text. It builds the metric families with
``prometheus_client``'s core types and a private ``CollectorRegistry`` and lets ``generate_latest`` write the
format, so escaping, ``# HELP``/``# TYPE`` lines and the ``_total`` suffix of counters follow the library, not
hand-written strings. Counters are totals since the database began (counted from rows, so they never go
down unless rows are deleted); gauges are levels at the moment of the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class LiveSnapshot:
    """What the platform looks like right now. Mappings are keyed by the stored values (queue, kind, ...)."""

    taken_at: datetime
    screened: Mapping[str, int] = field(default_factory=dict)  # verdict -> decisions ever made
    detector_failures: Mapping[str, int] = field(default_factory=dict)  # detector -> failed outcomes ever
    cases_open: Mapping[str, int] = field(default_factory=dict)  # queue -> cases not closed
    cases_overdue: Mapping[str, int] = field(default_factory=dict)  # queue -> open cases past their SLA
    oldest_open_seconds: Mapping[str, float] = field(default_factory=dict)  # queue -> age of its oldest case
    reports_received: int = 0  # ever
    reports_open: int = 0
    actions: Mapping[str, int] = field(default_factory=dict)  # kind -> actions ever taken
    approvals_pending: int = 0
    appeals_open: int = 0
    list_entries_active: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # list -> kind -> n
    outbox: Mapping[str, int] = field(default_factory=dict)  # status (pending, delivered, dead) -> events


def _counter(name: str, doc: str, values: Mapping[str, int], label: str) -> CounterMetricFamily:
    metric = CounterMetricFamily(name, doc, labels=[label])
    for key in sorted(values):
        metric.add_metric([key], values[key])
    return metric


def _gauge(name: str, doc: str, values: Mapping[str, float], label: str) -> GaugeMetricFamily:
    metric = GaugeMetricFamily(name, doc, labels=[label])
    for key in sorted(values):
        metric.add_metric([key], values[key])
    return metric


def _list_entries(values: Mapping[str, Mapping[str, int]]) -> GaugeMetricFamily:
    metric = GaugeMetricFamily("qinglang_list_entries_active", "Active entries of the register",
                               labels=["list", "kind"])
    for list_name in sorted(values):
        for kind in sorted(values[list_name]):
            metric.add_metric([list_name, kind], values[list_name][kind])
    return metric


def metric_families(s: LiveSnapshot) -> Iterator[Metric]:
    """Every metric of the snapshot, with its help text (docs/statistics.md lists them)."""
    yield _counter("qinglang_screened", "Content versions screened, by live verdict", s.screened, "verdict")
    yield _counter("qinglang_detector_failures", "Detector outcomes recorded as failed", s.detector_failures,
                   "detector")
    yield _gauge("qinglang_cases_open", "Cases not closed, by queue", s.cases_open, "queue")
    yield _gauge("qinglang_cases_overdue", "Open cases past their SLA deadline, by queue", s.cases_overdue, "queue")
    yield _gauge("qinglang_case_oldest_open_age_seconds", "Age of the oldest open case, by queue",
                 s.oldest_open_seconds, "queue")
    yield CounterMetricFamily("qinglang_reports_received", "Readers' reports received", value=s.reports_received)
    yield GaugeMetricFamily("qinglang_reports_open", "Reports whose case is not closed", value=s.reports_open)
    yield _counter("qinglang_actions", "Enforcement actions taken, by kind", s.actions, "kind")
    yield GaugeMetricFamily("qinglang_approvals_pending", "Severe actions waiting for a second senior",
                            value=s.approvals_pending)
    yield GaugeMetricFamily("qinglang_appeals_open", "Appeals not yet decided", value=s.appeals_open)
    yield _list_entries(s.list_entries_active)
    yield _gauge("qinglang_outbox_events", "Webhook outbox events, by status", s.outbox, "status")
    yield GaugeMetricFamily("qinglang_snapshot_timestamp_seconds", "When these figures were counted (Unix time)",
                            value=s.taken_at.timestamp())


class _SnapshotCollector(Collector):
    def __init__(self, snapshot: LiveSnapshot):
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        return metric_families(self.snapshot)


def render_prometheus(snapshot: LiveSnapshot) -> str:
    """The exposition text of ``snapshot`` (serve it with ``CONTENT_TYPE``)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snapshot))
    return generate_latest(registry).decode("utf-8")
