"""``GET /metrics`` over HTTP, on both databases: refused without a key or with a key lacking the ``metrics``
scope, served to a key with it (the figures counted from the tables: the scenario's), and to a loopback scrape
without a key only when ``statistics.metrics_open_on_loopback`` allows it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from qinglang.config import StatisticsSettings
from qinglang.services.apikeys import create_api_key
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.testing.activity import Scenario
from qinglang.testing.live_server import LiveServer


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _keys(settings):
    engine = make_engine(settings.database.url)
    factory = make_session_factory(engine)
    ledger = Scenario(factory).run()
    with transaction(factory) as s:
        _, metrics = create_api_key(s, "prometheus", ["metrics"], actor="test")
        _, lists = create_api_key(s, "lists", ["lists:read"], actor="test")
    engine.dispose()
    return ledger, metrics, lists


def test_metrics_need_the_metrics_scope_and_count_the_tables(settings):
    ledger, metrics_key, lists_key = _keys(settings)
    server = LiveServer.start(settings)
    try:
        with server.client() as http:
            missing = http.get("/metrics")
            wrong = http.get("/metrics", headers={"X-API-Key": lists_key})
            ok = http.get("/metrics", headers={"Authorization": f"Bearer {metrics_key}"})
    finally:
        server.stop()
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "missing_api_key")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "insufficient_scope")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/plain")
    got = _samples(ok.text)
    assert got[("qinglang_reports_received_total", ())] == ledger.count("report")
    assert got[("qinglang_screened_total", (("verdict", "block"),))] == ledger.count("screened", verdict="block")
    assert got[("qinglang_actions_total", (("kind", "close"),))] == 1
    assert got[("qinglang_cases_open", (("queue", "illicit_ad"),))] == 2  # two review verdicts left open
    assert got[("qinglang_list_entries_active", (("kind", "contact"), ("list", "block")))] == 1
    assert got[("qinglang_appeals_open", ())] == 0


def test_a_loopback_scrape_needs_no_key_only_when_allowed(settings):
    _keys(settings)
    closed = LiveServer.start(settings)
    try:
        with closed.client() as http:
            assert http.get("/metrics").status_code == 401
    finally:
        closed.stop()
    opened = settings.model_copy(update={"statistics": StatisticsSettings(metrics_open_on_loopback=True)})
    server = LiveServer.start(opened)
    try:
        with server.client() as http:
            answer = http.get("/metrics")
    finally:
        server.stop()
    assert answer.status_code == 200 and "qinglang_reports_received_total" in answer.text
