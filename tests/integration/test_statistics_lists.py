"""The lists behind the figures, on both databases: each list holds what its figure counts, bad filters are
refused with stable codes, and the dashboard's range is checked."""

from __future__ import annotations

import pytest
from review_support import sessions_for

from qinglang.errors import InvalidInput
from qinglang.services.statistics import daily, dashboard, drill
from qinglang.statistics.catalogue import all_figures
from qinglang.storage.db import transaction
from qinglang.testing.activity import DAYS, ZONE, Scenario

SPAN = f"{DAYS[0].isoformat()}..{DAYS[-1].isoformat()}"


@pytest.fixture
def seeded(database_url):
    with sessions_for(database_url) as factory:
        ledger = Scenario(factory).run()
        daily.recount_range(factory, DAYS[0], DAYS[-1], ZONE)
        yield factory, ledger


def test_every_count_of_the_period_is_the_size_of_its_list(seeded):
    factory, _ = seeded
    with transaction(factory) as s:
        period = daily.period(s, DAYS[0], DAYS[-1], ZONE).period
        checked = 0
        for f in all_figures(period):
            if f.unit != "count" or f.value is None:
                continue
            page = drill.list_page(s, f.drill_down.path, dict(f.drill_down.filters), ZONE)
            assert page.count == f.value, (f.key, f.drill_down.url)
            checked += 1
    assert checked > 60


def test_reports_handled_late_are_marked_as_breaches(seeded):
    factory, ledger = seeded
    with transaction(factory) as s:
        late = drill.list_page(s, "/console/reports", {"closed": SPAN, "within_sla": "no"}, ZONE)
    assert late.count == sum(not h["within_sla"] for h in ledger.find("handled")) == 1
    assert late.breaches == (True,)


@pytest.mark.parametrize(("path", "params", "code"), [
    ("/console/reports", {"received": SPAN, "colour": "red"}, "list_filter_unknown"),
    ("/console/reports", {"received": "2026-11-31..2026-12-01"}, "list_filter_invalid"),
    ("/console/reports", {"received": "2026-11-05..2026-11-01"}, "list_filter_invalid"),
    ("/console/reports", {"reason": "porn"}, "list_filter_invalid"),  # no period at all
    ("/console/actions", {"created": SPAN, "page": "0"}, "list_filter_invalid"),
])
def test_bad_filters_are_refused_with_stable_codes(seeded, path, params, code):
    factory, _ = seeded
    with transaction(factory) as s, pytest.raises(InvalidInput) as refused:
        drill.list_page(s, path, params, ZONE)
    assert refused.value.code == code


@pytest.mark.parametrize(("start", "end", "code"), [
    ("2026-11-xx", "2026-11-30", "dashboard_date_invalid"),
    ("2026-11-30", "2026-11-01", "dashboard_range_reversed"),
    ("2024-01-01", "2026-11-30", "dashboard_range_too_long"),
])
def test_the_dashboard_range_is_checked(start, end, code):
    with pytest.raises(InvalidInput) as refused:
        dashboard.parse_range(start, end, ZONE)
    assert refused.value.code == code
