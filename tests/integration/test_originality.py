"""Originality on SQLite and PostgreSQL: the worker measures each new version against earlier content of other
accounts in the near-duplicate index, re-scores its quality, names the work it copies and updates the account's
credit; four workers at once measure every version exactly once; the excellent list of the period holds the
originals and leaves the copies out."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from review_support import sessions_for
from sqlalchemy import func, select

from qinglang.config import ScreeningSettings
from qinglang.pipeline import Screener
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.qualification import excellent, originality
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, AuditEventRow, ContentVersionRow, OperatorRow
from qinglang.storage.tables.qualification import CreditScoreRow, QualityAssessmentRow

DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json"
PASSAGES = json.loads(DATA.read_text("utf-8"))["passages"]
CHAPTER = "\n".join([PASSAGES[2], PASSAGES[3]])
EDITED = CHAPTER.replace("，", " ").replace("。", "！").replace("说", "說")


def _post(db, screening, content_id: str, account_id: str, text: str) -> None:
    submit_content(db, screening, ContentSubmission(content_id=content_id, account_id=account_id, kind="article",
                                                    title="第三十一章", text=text), actor="platform")


@pytest.fixture
def world(database_url):
    """acc-orig writes the chapter; acc-copy posts an edited copy, an exact copy and a work of its own; acc-orig
    reposts its own chapter later (not a copy of another account)."""
    with sessions_for(database_url) as db:
        with transaction(db) as s:
            s.add_all([OperatorRow(id="op-1", name="op-1"), OperatorRow(id="op-2", name="op-2")])
            s.flush()
            s.add_all([AccountRow(id="acc-orig", name="原创号", operator_id="op-1"),
                       AccountRow(id="acc-copy", name="搬运号", operator_id="op-2")])
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        _post(db, screening, "orig", "acc-orig", CHAPTER)
        _post(db, screening, "copy", "acc-copy", EDITED)
        _post(db, screening, "clone", "acc-copy", CHAPTER)
        _post(db, screening, "own", "acc-copy", "\n".join([PASSAGES[0], PASSAGES[1]]))
        _post(db, screening, "repost", "acc-orig", CHAPTER + "\n（作者重发）")
        yield db


def _quality(db) -> dict[str, QualityAssessmentRow]:
    with transaction(db) as s:
        rows = s.execute(select(ContentVersionRow.content_id, QualityAssessmentRow)
                         .join(QualityAssessmentRow, QualityAssessmentRow.content_version_id == ContentVersionRow.pk))
        out = {cid: row for cid, row in rows}
        s.expunge_all()
        return out


def _measured_events(db) -> int:
    with transaction(db) as s:
        return s.scalar(select(func.count()).select_from(AuditEventRow)
                        .where(AuditEventRow.action == originality.MEASURED_EVENT))


def test_a_copy_of_another_accounts_earlier_work_scores_low_and_names_it(world):
    before = _quality(world)
    assert {cid: r.originality_state for cid, r in before.items()} == dict.fromkeys(before, "pending")
    assert all(r.originality is None for r in before.values())

    with transaction(world) as s:
        assert originality.measure_pending(s, limit=100) == 5
    after = _quality(world)
    assert {cid: r.originality_state for cid, r in after.items()} == dict.fromkeys(after, "measured")
    assert (after["orig"].originality, after["orig"].duplicate_of) == (1.0, None)
    assert after["copy"].originality < 0.5 and after["copy"].duplicate_of == "orig"
    assert "duplicate" in after["copy"].flags and after["copy"].score < before["copy"].score
    assert (after["clone"].originality, after["clone"].duplicate_of) == (0.0, "orig")
    why = after["copy"].components[0]["reason"]
    assert why["code"] == "quality_duplicate" and "orig" in why["zh"] and "orig" in why["en"]
    assert (after["own"].originality, after["repost"].originality) == (1.0, 1.0)  # its own chapter is no copy
    assert after["orig"].components[0]["points"] == 40.0 and before["orig"].components[0]["points"] == 0.0
    with transaction(world) as s:
        triggers = s.scalars(select(CreditScoreRow.trigger).where(CreditScoreRow.account_id == "acc-copy")).all()
    assert "content.originality" in triggers
    with transaction(world) as s:
        assert originality.measure_pending(s, limit=100) == 0
    assert _measured_events(world) == 5


def test_four_workers_at_once_measure_each_version_once(world):
    barrier = threading.Barrier(4)

    def work(_):
        barrier.wait()
        with transaction(world) as s:
            return originality.measure_pending(s, limit=100)

    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(work, range(4)))
    assert sum(done) == 5 and _measured_events(world) == 5
    assert all(r.originality_state == "measured" for r in _quality(world).values())


def test_the_excellent_list_holds_the_originals_and_leaves_the_copies_out(world):
    today = datetime.now(UTC).date()
    with transaction(world) as s:
        before = excellent.excellent_page(s, today - timedelta(days=1), today + timedelta(days=1), "UTC")
        assert before.result.works == () and before.result.left_out == {"originality_unknown": 5}
        originality.measure_pending(s, limit=100)
    with transaction(world) as s:
        page = excellent.excellent_page(s, today - timedelta(days=1), today + timedelta(days=1), "UTC")
        earlier = excellent.excellent_page(s, today - timedelta(days=30), today - timedelta(days=2), "UTC")
    assert sorted(w.content_id for w in page.result.works) == ["orig", "own", "repost"]
    assert page.result.left_out == {"duplicate": 2}
    assert {(w.content_id, w.duplicate_of) for w in page.result.left_out_works} == {("copy", "orig"), ("clone", "orig")}
    assert page.titles["orig"] == "第三十一章"
    assert earlier.result.works == () and earlier.result.left_out == {}
    rows = excellent.to_csv(page).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("rank,content_id") and len(rows) == 4
