"""The daily-figures JSON document: a lossless round trip, and strict reading with the place of each problem."""

from __future__ import annotations

import json

import pytest

from qinglang.statistics.serialize import FORMAT, dump_days, load_days
from qinglang.testing.figures import november


def test_days_survive_a_round_trip_through_json_text():
    days = november()
    text = json.dumps(dump_days(days), ensure_ascii=False)
    assert load_days(json.loads(text)) == days


def test_left_out_fields_take_their_empty_value():
    [day] = load_days({"format": FORMAT, "days": [{"day": "2026-11-01", "figures": {"reports": {"received": 3}}}]})
    assert day.figures.reports.received == 3 and day.figures.reports.handled == 0
    assert day.figures.reports.time_to_handle.count == 0


def _one(figures=None, **day):
    return {"format": FORMAT, "days": [{"day": "2026-11-01", "figures": figures or {}, **day}]}


@pytest.mark.parametrize(("document", "message"), [
    ({"days": []}, 'format: the document must be an object with "format": "qinglang.daily-figures/1"'),
    ({"format": FORMAT, "days": {}}, "days: must be a list of {day, figures} objects"),
    (_one({"reports": {"recieved": 1}}), "days[0].figures.reports.recieved: unknown field; ReportFigures has "
     "by_reason, handled, handled_within_sla, merged, open_at_end, overdue_at_end, received, time_to_handle, verified"),
    (_one({"reports": {"received": -1}}), "days[0].figures.reports.received: must be a whole number >= 0, got -1"),
    (_one({"reports": {"received": 2.5}}), "days[0].figures.reports.received: must be a whole number >= 0, got 2.5"),
    (_one({"reports": {"received": True}}), "days[0].figures.reports.received: must be a whole number >= 0, got True"),
    (_one({"reports": {"time_to_handle": [5, "x"]}}),
     "days[0].figures.reports.time_to_handle[1]: must be a whole number >= 0, got 'x'"),
    (_one({"screening": {"verdicts": {"porn": {"block": "3"}}}}),
     "days[0].figures.screening.verdicts.porn.block: must be a whole number >= 0, got '3'"),
    (_one({"accounts": {"closed": [""]}}), "days[0].figures.accounts.closed[0]: must be a non-empty string, got ''"),
    (_one(computed_at="2026-11-02T01:00:00"), "days[0].computed_at: must carry its UTC offset (2026-12-01T02:00:00+00:00)"),
    ({"format": FORMAT, "days": [{"figures": {}}]}, "days[0].day: is required"),
    ({"format": FORMAT, "days": [{"day": "2026-11-31"}]}, "days[0].day: must be a date as YYYY-MM-DD, got '2026-11-31'"),
    ({"format": FORMAT, "days": [{"day": "2026-11-01"}, {"day": "2026-11-01"}]},
     "days[1].day: 2026-11-01 is given twice; keep one set of figures per day"),
])
def test_each_problem_names_its_place(document, message):
    problem = load_days(document)
    assert problem.code == "figures_invalid"
    assert problem.message == message
