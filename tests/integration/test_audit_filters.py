"""The audit log narrowed by actor, kind and UTC days, and a range exported as JSON lines (which verify on
their own: each line's hash recomputes and links to the line before) or as CSV (formula cells neutralised)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from review_support import sessions_for

import qinglang.storage.sql_audit as sql_audit
from qinglang.domain.audit import event_hash
from qinglang.errors import InvalidInput
from qinglang.services.audit import AuditFilter, export_range, kinds, list_events
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event

EVENTS = [  # (day, actor, action, subject id)
    (1, "reviewer:ann", "case.claimed", "1"),
    (1, "reviewer:bob", "case.decided", "1"),
    (2, "reviewer:ann", "case.decided", "2"),
    (2, "reviewer:ann_b", "appeal.upheld", "=HYPERLINK(\"http://x\")"),
    (3, "cli", "user.created", "7"),
    (3, "system:certification", "certification.lapsed", "3"),
]


@pytest.fixture
def log(database_url, monkeypatch):
    with sessions_for(database_url) as db:
        for day, actor, action, subject in EVENTS:
            monkeypatch.setattr(sql_audit, "utcnow", lambda day=day: datetime(2026, 11, day, 12, 0, tzinfo=UTC))
            with transaction(db) as s:
                append_audit_event(s, actor, action, "case", subject, {"n": day})
        yield db


def _seen(db, **where) -> list[tuple[str, str]]:
    with transaction(db) as s:
        return [(e.actor, e.action) for e in reversed(list_events(s, where=AuditFilter(**where)))]


def test_filters_by_actor_kind_and_days(log):
    assert _seen(log, actor="reviewer:ann") == [("reviewer:ann", "case.claimed"), ("reviewer:ann", "case.decided"),
                                                ("reviewer:ann_b", "appeal.upheld")]
    assert _seen(log, actor="ann_") == [("reviewer:ann_b", "appeal.upheld")]  # "_" is a letter here, not a wildcard
    assert _seen(log, kind="case.decided") == [("reviewer:bob", "case.decided"), ("reviewer:ann", "case.decided")]
    assert [a for _, a in _seen(log, kind="case.")] == ["case.claimed", "case.decided", "case.decided"]
    assert _seen(log, kind="case") == []  # without the dot a kind is exact
    assert _seen(log, since=date(2026, 11, 2), until=date(2026, 11, 2)) == [("reviewer:ann", "case.decided"),
                                                                          ("reviewer:ann_b", "appeal.upheld")]
    assert _seen(log, actor="ann", kind="case.", since=date(2026, 11, 2)) == [("reviewer:ann", "case.decided")]
    with transaction(log) as s:
        assert "certification.lapsed" in kinds(s)


def test_a_jsonl_range_verifies_on_its_own(log):
    with transaction(log) as s:
        lines = [json.loads(x) for x in export_range(s, AuditFilter(since=date(2026, 11, 2)), "jsonl")]
    assert [x["action"] for x in lines] == ["case.decided", "appeal.upheld", "user.created", "certification.lapsed"]
    for before, line in zip(lines, lines[1:], strict=False):
        assert line["prev_hash"] == before["hash"]
    for line in lines:
        recomputed = event_hash(line["prev_hash"], datetime.fromisoformat(line["at"]), line["actor"], line["action"],
                                line["subject_type"], line["subject_id"], line["data"])
        assert recomputed == line["hash"]


def test_csv_export_has_a_header_and_neutralises_formulas(log):
    with transaction(log) as s:
        text = "".join(export_range(s, AuditFilter(kind="appeal.upheld"), "csv"))
        empty = "".join(export_range(s, AuditFilter(actor="nobody"), "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["actor"] == "reviewer:ann_b"
    assert rows[0]["subject_id"] == "'=HYPERLINK(\"http://x\")"
    assert json.loads(rows[0]["data"]) == {"n": 2}
    assert empty.strip() == "seq,at,actor,action,subject_type,subject_id,data,prev_hash,hash"


def test_an_unknown_format_is_refused_before_any_line(log):
    with transaction(log) as s, pytest.raises(InvalidInput) as refused:
        export_range(s, None, "xlsx")
    assert refused.value.code == "export_format_unknown"
