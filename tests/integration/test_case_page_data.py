"""What the case page and the reference pages read, on SQLite and PostgreSQL: the article's kept images, the
register's pages, the public status of a report whose severe action waits for approval, and reports about
unknown targets."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
from review_support import REVIEW, SECRET, make_user, seed_content, sessions_for
from sqlalchemy import func, select, update

from qinglang.errors import NotFound
from qinglang.services import lists
from qinglang.services.images import image_label
from qinglang.services.review import article_images, decisions, queue, reports
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ContentVersionRow, ListEntryRow
from qinglang.storage.tables.review import Media, Reward


@pytest.fixture
def db(database_url):
    with sessions_for(database_url) as factory:
        seed_content(factory)
        yield factory


def _png(colour=(10, 200, 30), size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def test_article_images_are_kept_once_and_read_back_in_the_articles_order(db):
    first, second = _data_uri(_png()), _data_uri(_png((200, 0, 0)))
    refs = (first, "https://cdn.example.cn/a.jpg", second, "data:image/png;base64,AAAA", first)
    kept = article_images.prepare(refs)
    assert len(kept) == 3  # the undecodable one is left out, not an error
    with transaction(db) as s:
        assert article_images.store(s, kept) == 2  # the same image twice is one media row
        assert article_images.store(s, article_images.prepare((first,))) == 0
        s.execute(update(ContentVersionRow).where(ContentVersionRow.content_id == "art-1")
                  .values(images=[image_label(r) for r in refs]))
    with transaction(db) as s:
        shown = article_images.for_content(s, "art-1")
        media = {m.sha256: m for m in s.execute(select(Media)).scalars()}
    assert [im.position for im in shown] == [1, 2, 3, 4, 5]
    assert shown[1].url == "https://cdn.example.cn/a.jpg" and shown[3].media_id is None
    assert shown[0].media_id == shown[4].media_id and shown[0].media_id != shown[2].media_id is not None
    assert {m.mime for m in media.values()} == {"image/jpeg"} and all(m.data[:2] == b"\xff\xd8" for m in media.values())


def test_the_register_pages_count_each_state(db):
    with transaction(db) as s:
        ids = [lists.add_entry(s, lists.NewListEntry("block", "domain", f"d{n}.example.cn"), actor="t").id
               for n in range(7)]
        lists.remove_entry(s, ids[0], actor="t", reason="误判")
        s.execute(update(ListEntryRow).where(ListEntryRow.id == ids[1]).values(expires_at=utcnow() - timedelta(hours=1)))
        lists.add_entry(s, lists.NewListEntry("allow", "account", "acc-1"), actor="t")
    with transaction(db) as s:
        counts = {state: lists.entries_page(s, state=state, per_page=2).total for state in lists.ENTRY_STATES}
        assert counts == {"active": 6, "removed": 1, "expired": 1, "all": 8}
        pages = [lists.entries_page(s, list_name="block", state="all", page=p, per_page=3) for p in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [3, 3, 1] and pages[0].pages == 3
    assert [e.id for p in pages for e in p.items] == sorted(ids, reverse=True)


def test_a_severe_action_awaiting_approval_is_pending_and_unrewarded_until_approved(db):
    sam, sue = make_user(db, "sam", "senior"), make_user(db, "sue", "senior")
    with transaction(db) as s:
        new = reports.NewReport("content", "art-1", "porn", contact="reader@example.com", ip="10.0.0.7")
        code = reports.file_report(s, new, review=REVIEW, secret=SECRET).tracking_code
        case = queue.claim_next(s, sam, lease_seconds=600)
        asked = decisions.decide(s, case.id, sam, "close", "导流，关闭账号", review=REVIEW)
    with transaction(db) as s:
        status = reports.report_status(s, code)
        assert (status.progress, status.outcome, status.reward_cents) == ("pending_approval", None, None)
        assert s.execute(select(func.count()).select_from(Reward)).scalar_one() == 0
        decisions.settle_approval(s, asked.approval_id, sue, True, "同意", review=REVIEW)
    with transaction(db) as s:
        status = reports.report_status(s, code)
    assert (status.progress, status.outcome) == ("closed", "action_taken")
    assert (status.reward_cents, status.reward_status) == (REVIEW.reward_cents, "credited")


@pytest.mark.parametrize("kind,target,known", [("content", "art-1", True), ("content", "art-x", False),
                                               ("account", "acc-1", True), ("account", "acc-x", False)])
def test_reports_name_a_target_qinglang_knows(db, kind, target, known):
    new = reports.NewReport(kind, target, "porn", ip="10.0.0.8")
    if known:
        assert reports.submit(db, new, review=REVIEW, secret=SECRET).tracking_code.startswith("QL-")
    else:
        with pytest.raises(NotFound) as refused:
            reports.submit(db, new, review=REVIEW, secret=SECRET)
        assert refused.value.code == "report_target_unknown"
