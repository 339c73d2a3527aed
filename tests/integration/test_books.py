"""Books on SQLite and PostgreSQL: the roll-up follows the chapters as they are stored and decided, a whole book
goes off the shelves in one action (once, however many press the button) and back on when it is reverted."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from review_support import REVIEW, make_user, sessions_for
from sqlalchemy import func, select

from qinglang.config import ScreeningSettings
from qinglang.detectors.base import Detector
from qinglang.domain.model import Evidence, Signal
from qinglang.domain.review import CaseSource, TargetKind
from qinglang.errors import Conflict, Forbidden, InvalidInput, NotFound
from qinglang.pipeline import Screener
from qinglang.policy import default_policy
from qinglang.services import books
from qinglang.services.audit.verify import verify_chain
from qinglang.services.book_actions import take_down_book
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.review import cases, decisions, enforcement, queue
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.books import BookRow
from qinglang.storage.tables.core import AccountRow
from qinglang.storage.tables.review import Action, OutboxEvent, Strike

CLEAN = "山间小路上，少年背着书箱赶路，天色渐晚，他在一座破庙里歇脚。"
LURE = "加我薇信 qlteam88 看全集"


class Vulgar(Detector):
    """Flags 色情 as explicit porn (block) and 低俗 as vulgar (review), as the lexicon grades its terms."""

    name = "lexicon"
    version = "test-1"

    def detect(self, content):
        text = content.fields.get("text", "")
        out = []
        for term, severity in (("色情", 3), ("低俗", 1)):
            start = text.find(term)
            if start >= 0:
                ev = Evidence(kind="text_span", field="text", start=start, end=start + len(term), text=term)
                out.append(Signal("lexicon", "porn/explicit", 0.95, (ev,), severity))
        return out


def _screening(db) -> ScreeningService:
    contacts = Screener.from_settings(ScreeningSettings(detectors=["contacts"])).detectors
    return ScreeningService(Screener([Vulgar(), *contacts], default_policy()), db)


def _chapter(db, screening, number: int, text: str, book_id: str = "book-1") -> None:
    submit_content(db, screening, ContentSubmission(content_id=f"{book_id}-ch{number}", account_id="acc-1",
                                                    kind="chapter", title=f"第{number}章", text=text,
                                                    book_id=book_id, chapter=number), actor="platform")


@pytest.fixture
def world(database_url):
    """Book 1: three clean free chapters, two explicit paid chapters and a vulgar teaser with a contact."""
    with sessions_for(database_url) as db:
        with transaction(db) as s:
            s.add(AccountRow(id="acc-1", name="夜读小说"))
        screening = _screening(db)
        for number in (1, 2, 3):
            _chapter(db, screening, number, CLEAN)
        _chapter(db, screening, 4, CLEAN + "色情描写")
        _chapter(db, screening, 5, CLEAN + "色情描写")
        _chapter(db, screening, 6, CLEAN + "低俗片段，" + LURE)
        db.screening = screening
        yield db


def _book(db, book_id: str = "book-1") -> books.BookView:
    with transaction(db) as s:
        return books.get_book(s, book_id)


def test_a_book_with_clean_free_chapters_and_vulgar_paid_ones_is_flagged(world):
    view = _book(world)
    assert [c.chapter for c in view.chapters] == [1, 2, 3, 4, 5, 6]
    assert [c.verdict for c in view.chapters[:3]] == ["pass"] * 3
    assert view.book.flagged and view.book.account_id == "acc-1" and view.book.status == "on_shelf"
    flags = {f["kind"]: f["chapters"] for f in view.risk["flags"]}
    assert flags["free_then_vulgar"] == [4, 5, 6]
    assert flags["teaser_drainage"] == [6]
    assert view.risk["chapters"] == 6 and view.risk["flagged"] == 3 and view.risk["worst_category"] == "porn"
    assert view.chapters[5].drainage and not view.chapters[3].drainage


def test_a_reviewer_clearing_paid_chapters_clears_the_pattern(world):
    reviewer = make_user(world, "rev", "reviewer")
    with transaction(world) as s:
        for content_id in ("book-1-ch4", "book-1-ch5"):
            case = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, content_id, CaseSource.VERDICT, "porn", 2),
                                   sla_hours=REVIEW.sla_hours, actor="test")
            queue.claim_case(s, case.id, reviewer, lease_seconds=600)
            decisions.decide(s, case.id, reviewer, "pass", "误判：古典文学", review=REVIEW)
    kinds = {f["kind"] for f in _book(world).risk["flags"]}
    assert kinds == {"teaser_drainage"}  # one vulgar later chapter is under the threshold of two


def test_a_book_exists_once_a_chapter_is_stored(world):
    with transaction(world) as s, pytest.raises(NotFound) as missing:
        books.get_book(s, "no-such-book")
    assert missing.value.code == "book_not_found"
    with transaction(world) as s:
        assert [b.id for b in books.list_books(s, flagged=True)] == ["book-1"]
        assert books.list_books(s, flagged=False) == []
        assert books.refresh_all(s) == 1


def test_chapters_stored_at_once_are_all_rolled_up(world):
    barrier = threading.Barrier(4)

    def store(number):
        barrier.wait()
        _chapter(world, world.screening, number, CLEAN + ("色情" if number % 2 else ""), book_id="book-race")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(store, range(1, 5)))
    with transaction(world) as s:
        row = s.get(BookRow, "book-race")
        assert row.chapters == 4 and row.version == 4
        assert row.risk["block"] == 2


def test_two_reviewers_taking_a_book_down_at_once_make_one_action(world):
    first, second = make_user(world, "rev", "reviewer"), make_user(world, "rev2", "reviewer")
    barrier = threading.Barrier(2)

    def press(user):
        barrier.wait()
        try:
            with transaction(world) as s:
                return take_down_book(s, "book-1", user, "付费章节低俗", review=REVIEW).id
        except Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(press, (first, second)))
    assert sorted(map(str, results))[-1] == "book_status_unchanged" and sum(isinstance(r, int) for r in results) == 1
    with transaction(world) as s:
        action = s.scalars(select(Action).where(Action.kind == "take_down_book")).one()
        assert (action.target_kind, action.target_id, action.status) == ("book", "book-1", "active")
        assert s.scalar(select(func.count()).where(OutboxEvent.action_id == action.id)) == 1
        assert s.scalars(select(Strike.severity).where(Strike.action_id == action.id)).all() == [2]
        assert s.get(BookRow, "book-1").status == "off_shelf"
        enforcement.revert_action(s, action, actor="reviewer:sen", reason="申诉成立")
    with transaction(world) as s:
        assert s.get(BookRow, "book-1").status == "on_shelf"
        reversal = s.scalars(select(Action).where(Action.reverts_id == action.id)).one()
        events = s.scalars(select(OutboxEvent.event_type).where(OutboxEvent.action_id.in_((action.id, reversal.id)))
                           .order_by(OutboxEvent.id)).all()
        assert events == ["action.created", "action.reverted"]
        assert s.scalars(select(Strike.active).where(Strike.action_id == action.id)).all() == [False]
        assert verify_chain(s).ok


def test_an_auditor_may_not_take_a_book_down(world):
    auditor = make_user(world, "aud", "auditor")
    with transaction(world) as s, pytest.raises(Forbidden):
        take_down_book(s, "book-1", auditor, "低俗", review=REVIEW)


def test_a_case_on_the_book_or_a_chapter_takes_the_book_down(world):
    reviewer = make_user(world, "rev", "reviewer")
    with transaction(world) as s:
        case = cases.open_case(s, cases.NewCase(TargetKind.BOOK, "book-1", CaseSource.REPORT, "porn", 2),
                               sla_hours=REVIEW.sla_hours, actor="test")
        assert case.account_id == "acc-1"
        queue.claim_case(s, case.id, reviewer, lease_seconds=600)
        outcome = decisions.decide(s, case.id, reviewer, "take_down_book", "整本下架", review=REVIEW)
        action = s.get(Action, outcome.action_ids[0])
        assert (action.kind, action.target_kind, action.target_id) == ("take_down_book", "book", "book-1")
    with transaction(world) as s:
        article = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, "loose-article", CaseSource.VERDICT, "porn",
                                                   2), sla_hours=REVIEW.sla_hours, actor="test")
        queue.claim_case(s, article.id, reviewer, lease_seconds=600)
    with transaction(world) as s, pytest.raises(InvalidInput) as refused:
        decisions.decide(s, article.id, reviewer, "take_down_book", "整本下架", review=REVIEW)
    assert refused.value.code == "content_not_in_book"


def test_a_whole_book_taken_down_counts_as_a_work_off_the_shelves(world):
    from datetime import timedelta

    from qinglang.services.statistics.counting import count_works
    from qinglang.statistics.periods import Window
    from qinglang.storage.base import utcnow

    reviewer = make_user(world, "rev", "reviewer")
    with transaction(world) as s:
        take_down_book(s, "book-1", reviewer, "付费章节低俗", review=REVIEW)
    now = utcnow()
    with transaction(world) as s:
        works = count_works(s, Window(now - timedelta(hours=1), now + timedelta(hours=1)))
        assert works.books == frozenset({"book-1"}) and works.chapters == frozenset()


def test_the_list_behind_works_books_holds_the_whole_book_taken_down(world):
    """works.books counts a whole book taken down; its drill-down list (the dashboard's link) shows that action."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from qinglang.services.statistics import drill

    reviewer = make_user(world, "rev", "reviewer")
    with transaction(world) as s:
        action_id = take_down_book(s, "book-1", reviewer, "付费章节低俗", review=REVIEW).id
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    with transaction(world) as s:
        page = drill.list_page(s, "/console/actions", {"created": f"{today}..{today}", "group": "book"},
                               "Asia/Shanghai")
    assert page.count == 1 and [row[0].text for row in page.rows] == [f"#{action_id}"]
    assert page.rows[0][3].text == "book-1"
