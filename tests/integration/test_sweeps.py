"""Sweeps on SQLite and PostgreSQL: from one confirmed chapter to its copies, its teaser, the accounts sharing its
contact and the same operator's other contents; two sweeps at once open each case once; the chain verifies.

The sweeps a lead starts from the API are queued and run by the review worker (``_queued_sweep``); the others run
where they are started (``_sweep``, as ``qinglang sweep start`` and the automatic sweeps do): both record alike."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from review_support import REVIEW, make_user, sessions_for
from sqlalchemy import delete, func, select, update

from qinglang.config import ScreeningSettings, Settings
from qinglang.domain.review import CaseSource, TargetKind
from qinglang.domain.sweeps import SeedKind
from qinglang.errors import Conflict, InvalidInput, NotFound
from qinglang.pipeline import Screener
from qinglang.services import similarity, sweep_jobs, sweeps
from qinglang.services.audit.verify import verify_chain
from qinglang.services.contents import ContentSubmission, submit_content
from qinglang.services.review import cases, decisions, queue
from qinglang.services.screening import ScreeningService
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AccountRow, OperatorRow
from qinglang.storage.tables.review import Case
from qinglang.storage.tables.similarity import TextFingerprintRow
from qinglang.workers.review import ReviewWorker

DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "similarity_passages.json"
PASSAGES = json.loads(DATA.read_text("utf-8"))["passages"]
CHAPTER = PASSAGES[2] + PASSAGES[3]
LURE = "加我薇信 qlteam88 看全集"


def _accounts(db) -> None:
    with transaction(db) as s:
        for op in ("op-1", "op-2", "op-3"):
            s.add(OperatorRow(id=op, name=op))
        s.flush()
        for account, op in (("acc-a", "op-1"), ("acc-b", "op-1"), ("acc-c", "op-2"), ("acc-d", "op-2"),
                            ("acc-e", "op-3")):
            s.add(AccountRow(id=account, name=account, operator_id=op))


def _post(db, screening, content_id: str, account_id: str, text: str, **book) -> None:
    submit_content(db, screening, ContentSubmission(content_id=content_id, account_id=account_id, kind="chapter",
                                                    text=text, **book), actor="platform")


@pytest.fixture
def world(database_url):
    """Four accounts of two operators post the chapter (one lightly edited, one a teaser with the same contact);
    acc-b also posts something else; acc-e, of a third operator, posts an unrelated text."""
    with sessions_for(database_url) as db:
        _accounts(db)
        screening = ScreeningService(Screener.from_settings(ScreeningSettings(detectors=["contacts"])), db)
        _post(db, screening, "ch-a", "acc-a", CHAPTER + "\n" + LURE, book_id="book-x", chapter=31)
        _post(db, screening, "ch-b", "acc-b", CHAPTER.replace("，", " ").replace("。", "！").replace("说", "說"))
        _post(db, screening, "ch-c", "acc-c", CHAPTER)
        _post(db, screening, "teaser-d", "acc-d", CHAPTER[:220] + "……想看全文" + LURE)
        _post(db, screening, "other-b", "acc-b", PASSAGES[0])
        _post(db, screening, "stranger-e", "acc-e", PASSAGES[1])
        db.screening = screening
        yield db


def _confirm(db, content_id: str = "ch-a") -> int:
    lead = make_user(db, "lead", "lead")
    with transaction(db) as s:
        case = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, content_id, CaseSource.VERDICT, "porn", 2),
                               sla_hours=REVIEW.sla_hours, actor="test")
        queue.claim_case(s, case.id, lead, lease_seconds=600)
        decisions.decide(s, case.id, lead, "take_down", "低俗章节", review=REVIEW)
        return case.id


def _sweep(db, kind: SeedKind, value: str) -> sweeps.SweepView:
    return sweeps.start_sweep(db, sweeps.Seed(kind, value), actor="user:lead", sla_hours=REVIEW.sla_hours)


def _queued_sweep(db, kind: SeedKind, value: str) -> sweeps.SweepView:
    """Queue the sweep as ``POST /v1/sweeps`` does and let one pass of the review worker run it."""
    with transaction(db) as s:
        queued = sweep_jobs.queue_sweep(s, sweeps.Seed(kind, value), actor="user:lead")
    assert queued.status == "queued"
    assert ReviewWorker(db, REVIEW, sweep_settings=Settings(review=REVIEW)).run_once()["sweeps_run"] == 1
    with transaction(db) as s:
        return sweeps.get_sweep(s, queued.id)


def test_a_sweep_from_a_confirmed_case_opens_a_case_for_every_related_content(world):
    seed = _confirm(world)
    sweep = _queued_sweep(world, SeedKind.CASE, str(seed))
    assert sweep.status == "completed"
    items = {i.content_id: i for i in sweep.items}
    assert set(items) == {"ch-b", "ch-c", "teaser-d", "other-b"}
    assert sweep.seed_case_id == seed and sweep.found == 4 and sweep.opened == 4
    assert items["ch-c"].reason.startswith(f"near-duplicate 1.00 of case #{seed} (similarity 0.9")
    assert items["ch-b"].reason_kind == "near_duplicate" and "operator op-1" in items["ch-b"].reason
    teaser = items["teaser-d"]  # the teaser carries the lure the chapter ends with, hence not quite 1.00
    assert teaser.reason_kind == "near_duplicate" and teaser.score > 0.9
    assert teaser.reason.startswith(f"near-duplicate {teaser.score:.2f} of case #{seed} (similarity 0.")
    assert f"shares contact wechat:qlteam88 with case #{seed}" in items["teaser-d"].reason
    assert items["other-b"].reason_kind == "same_operator" and items["other-b"].score is None
    with transaction(world) as s:
        opened = {c.target_id: c for c in s.scalars(select(Case).where(Case.source == "sweep"))}
        assert set(opened) == set(items)
        assert all(c.queue == "sweep" and c.status == "open" for c in opened.values())
        assert opened["ch-c"].body == items["ch-c"].reason and opened["ch-c"].id == items["ch-c"].case_id
        assert verify_chain(s).ok
        assert sweeps.get_sweep(s, sweep.id) == sweep
        assert [v.id for v in sweeps.list_sweeps(s)] == [sweep.id]


def test_two_sweeps_of_one_seed_at_once_open_each_case_once(world):
    seed = _confirm(world)
    barrier = threading.Barrier(2)

    def run(_):
        barrier.wait()
        return _sweep(world, SeedKind.CASE, str(seed))

    with ThreadPoolExecutor(2) as pool:
        first, second = list(pool.map(run, range(2)))
    assert {i.case_id for i in first.items} == {i.case_id for i in second.items}
    assert first.opened + second.opened == 4
    with transaction(world) as s:
        per_target = s.execute(select(Case.target_id, func.count()).where(Case.source == "sweep")
                               .group_by(Case.target_id)).all()
        assert sorted(per_target) == [("ch-b", 1), ("ch-c", 1), ("other-b", 1), ("teaser-d", 1)]
        assert verify_chain(s).ok


def test_ad_hoc_seeds_find_by_target_and_by_text(world):
    by_contact = _sweep(world, SeedKind.CONTACT, "wechat:qlteam88")
    assert {i.content_id for i in by_contact.items} == {"ch-a", "teaser-d"}
    assert by_contact.items[0].reason == "shares contact wechat:qlteam88 with the contact 'wechat:qlteam88'"
    by_text = _sweep(world, SeedKind.TEXT, PASSAGES[3][100:500])
    assert {i.content_id for i in by_text.items} == {"ch-a", "ch-b", "ch-c"}
    # ch-a's sweep case is open already (the contact sweep opened it): linked, not opened again
    assert by_text.opened == 2
    assert {i.content_id: i.case_opened for i in by_text.items} == {"ch-a": False, "ch-b": True, "ch-c": True}
    assert {i.content_id: i.case_id for i in by_text.items}["ch-a"] == by_contact.items[0].case_id
    assert _sweep(world, SeedKind.DOMAIN, "nowhere.example").items == ()


HASH = "5a" * 32


def _flip(value: str, bits: int) -> str:
    number = int(value, 16)
    for b in range(bits):
        number ^= 1 << (b * 7 % 256)
    return f"{number:064x}"


def _image(db, content_id: str, value: str) -> None:
    from qinglang.services import drainage

    with transaction(db) as s:
        version = sweeps._newest_version(s, content_id)
        drainage.record_edges(s, version.pk, version.account_id,
                              [{"detector": "phash", "label": "phash/image_hash",
                                "attrs": {"target_kind": "image_hash", "target": value}}])


def test_the_same_books_other_chapters_are_found(world):
    _post(world, world.screening, "ch-a32", "acc-a", "第三十二回 " + PASSAGES[1][::-1], book_id="book-x", chapter=32)
    seed = _confirm(world)
    items = {i.content_id: i for i in _sweep(world, SeedKind.CASE, str(seed)).items}
    assert items["ch-a32"].reason_kind == "same_book"
    assert items["ch-a32"].reason == f"chapter 32 of book book-x, as case #{seed}"


def test_near_identical_images_are_found_by_pdq_radius(world):
    _image(world, "ch-a", HASH)
    _image(world, "stranger-e", _flip(HASH, 5))  # a re-encoded copy of the same poster
    _image(world, "other-b", _flip(HASH, 120))  # another picture
    seed = _confirm(world)
    items = {i.content_id: i for i in _sweep(world, SeedKind.CASE, str(seed)).items}
    assert items["stranger-e"].reason_kind == "near_image"
    assert items["stranger-e"].reason == f"an image 5 bits from an image of case #{seed}"
    assert items["other-b"].reason_kind == "same_operator"  # found, but not for its picture
    by_hash = _sweep(world, SeedKind.IMAGE_HASH, _flip(HASH, 2).upper())
    assert [(i.content_id, i.reason_kind) for i in by_hash.items] == [("ch-a", "near_image"),
                                                                      ("stranger-e", "near_image")]
    assert by_hash.items[0].reason.startswith("an image 2 bits from an image of the image hash")
    with pytest.raises(InvalidInput) as err:
        sweeps.parse_seed("image_hash", "abc")
    assert err.value.code == "invalid_sweep_seed"


def test_refusals_have_their_codes(world):
    with transaction(world) as s:
        case = cases.open_case(s, cases.NewCase(TargetKind.CONTENT, "stranger-e", CaseSource.VERDICT, "porn", 2),
                               sla_hours=REVIEW.sla_hours, actor="test")
    with pytest.raises(Conflict) as err:
        _sweep(world, SeedKind.CASE, str(case.id))
    assert err.value.code == "sweep_seed_not_confirmed"
    with pytest.raises(NotFound) as err:
        _sweep(world, SeedKind.CASE, "99999")
    assert err.value.code == "case_not_found"
    for kind, value in (("colour", "red"), ("case", "abc"), ("text", "  ")):
        with pytest.raises(InvalidInput) as err:
            sweeps.parse_seed(kind, value)
        assert err.value.code == "invalid_sweep_seed"
    with transaction(world) as s, pytest.raises(NotFound) as err:
        sweeps.get_sweep(s, 424242)
    assert err.value.code == "sweep_not_found"


def test_fingerprints_are_stored_per_version_and_the_index_heals_missing_ones(world):
    with transaction(world) as s:
        assert s.scalar(select(func.count()).select_from(TextFingerprintRow)) == 6
        s.execute(delete(TextFingerprintRow))
    with transaction(world) as s:
        index = similarity.corpus_index(s)
        assert len(index) == 6
        assert s.scalar(select(func.count()).select_from(TextFingerprintRow)) == 6
        assert similarity.backfill(s) == 0


def test_a_fingerprint_of_an_older_normalisation_edition_is_recomputed_not_trusted(world):
    """A stored fingerprint whose scheme names another edition of the normaliser (here: one that says ch-c is
    PASSAGES[0]) is recomputed from the version's text, by the sharded search and by the index alike."""
    import dataclasses

    from qinglang.similarity import SCHEME, fingerprint
    from qinglang.similarity.encoding import encode
    from qinglang.text import EDITION

    older = SCHEME.replace(f"/norm{EDITION}", f"/norm{EDITION - 1}")
    assert older != SCHEME and SCHEME.endswith(f"/norm{EDITION}")
    stale = encode(dataclasses.replace(fingerprint(PASSAGES[0]), scheme=older))

    def make_stale() -> int:
        with transaction(world) as s:
            pk = sweeps._newest_version(s, "ch-c").pk
            s.execute(update(TextFingerprintRow).where(TextFingerprintRow.content_version_pk == pk)
                      .values(scheme=older, data=stale))
            return pk

    def scheme_of(pk: int) -> str:
        with transaction(world) as s:
            return s.scalar(select(TextFingerprintRow.scheme).where(TextFingerprintRow.content_version_pk == pk))

    pk = make_stale()
    with transaction(world) as s:
        found = {m.key.content_id for m in similarity.near_duplicates(s, fingerprint(CHAPTER))}
        assert "ch-c" in found and "other-b" not in found
        assert not any(m.key.content_id == "ch-c" for m in similarity.near_duplicates(s, fingerprint(PASSAGES[0])))
    assert scheme_of(pk) == SCHEME  # healed: stored again under the current scheme
    make_stale()
    with transaction(world) as s:
        assert "ch-c" in {m.key.content_id for m in similarity.corpus_index(s).search(fingerprint(CHAPTER))}
    assert scheme_of(pk) == SCHEME
    make_stale()
    with transaction(world) as s:
        assert similarity.backfill(s) == 1
    assert scheme_of(pk) == SCHEME


def _deliver_all(db) -> dict[str, int]:
    from qinglang.services.review import outbox

    received: dict[str, int] = {}

    def post(url, body, headers):
        received[headers[outbox.EVENT_ID_HEADER]] = received.get(headers[outbox.EVENT_ID_HEADER], 0) + 1
        return 200

    while outbox.deliver_batch(db, "worker", url="http://hook", secret="s", post=post):
        pass
    return received


def test_a_bulk_take_down_reaches_the_platform_once_per_action(world):
    from qinglang.services.review.users import get_user_by_name
    from qinglang.services.sweep_decisions import decide_in_bulk
    from qinglang.storage.tables.review import Action

    seed = _confirm(world)
    sweep = _queued_sweep(world, SeedKind.CASE, str(seed))
    with transaction(world) as s:
        lead = get_user_by_name(s, "lead")
    selected = [i.case_id for i in sweep.items if i.reason_kind != "same_operator"]
    done = decide_in_bulk(world, sweep.id, [*selected, selected[0], 999], lead, "take_down", "同一低俗章节",
                          review=REVIEW)
    assert sorted(done.decided) == sorted(selected) and done.refused == ((999, "case_not_in_sweep"),)
    again = decide_in_bulk(world, sweep.id, selected[:1], lead, "take_down", "再来一次", review=REVIEW)
    assert again.decided == () and again.refused[0][1] in ("case_closed", "claim_required")
    received = _deliver_all(world)
    with transaction(world) as s:
        actions = s.scalars(select(Action).where(Action.kind == "take_down")).all()
        assert sorted(a.target_id for a in actions) == ["ch-a", "ch-b", "ch-c", "teaser-d"]
        assert verify_chain(s).ok
    assert len(received) >= len(actions) and set(received.values()) == {1}
    assert _deliver_all(world) == {}  # nothing is delivered twice


def test_two_leads_deciding_one_sweep_at_once_decide_each_case_once(world):
    from qinglang.services.review.users import get_user_by_name
    from qinglang.services.sweep_decisions import decide_in_bulk
    from qinglang.storage.tables.review import Action

    seed = _confirm(world)
    make_user(world, "lead2", "lead")
    sweep = _sweep(world, SeedKind.CASE, str(seed))
    with transaction(world) as s:
        leads = [get_user_by_name(s, "lead"), get_user_by_name(s, "lead2")]
    ids = [i.case_id for i in sweep.items]
    barrier = threading.Barrier(2)

    def run(lead):
        barrier.wait()
        return decide_in_bulk(world, sweep.id, ids, lead, "take_down", "同一低俗章节", review=REVIEW)

    with ThreadPoolExecutor(2) as pool:
        first, second = list(pool.map(run, leads))
    assert sorted(first.decided + second.decided) == sorted(ids)
    assert not set(first.decided) & set(second.decided)
    with transaction(world) as s:
        targets = s.scalars(select(Action.target_id).where(Action.kind == "take_down")).all()
        assert sorted(targets) == ["ch-a", "ch-b", "ch-c", "other-b", "teaser-d"]
        assert verify_chain(s).ok


def test_a_severe_bulk_action_waits_for_a_second_senior(world):
    from qinglang.services.review.users import get_user_by_name
    from qinglang.services.sweep_decisions import decide_in_bulk

    seed = _confirm(world)
    sweep = _sweep(world, SeedKind.CASE, str(seed))
    with transaction(world) as s:
        lead = get_user_by_name(s, "lead")
    one = [sweep.items[0].case_id]
    done = decide_in_bulk(world, sweep.id, one, lead, "close", "运营者多号引流", review=REVIEW)
    assert done.pending_approval == tuple(one) and done.decided == ()
    with pytest.raises(InvalidInput) as err:
        decide_in_bulk(world, sweep.id, one, lead, "explode", "x", review=REVIEW)
    assert err.value.code == "decision_unknown"


def test_the_days_sweep_figures_and_their_list(world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from qinglang.services.statistics import drill
    from qinglang.services.statistics.counting import count_day
    from qinglang.statistics.periods import DEFAULT_TIME_ZONE

    seed = _confirm(world)
    sweep = _queued_sweep(world, SeedKind.CASE, str(seed))
    with transaction(world) as s:  # queued, not yet run: not a finished sweep, so not counted
        sweep_jobs.queue_sweep(s, sweeps.Seed(SeedKind.DOMAIN, "nowhere.example"), actor="user:lead")
    today = datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    with transaction(world) as s:
        figures = count_day(s, today).figures.sweeps
        page = drill.list_page(s, "/console/sweeps", {"finished": today.isoformat()}, DEFAULT_TIME_ZONE)
    # ch-b, other-b (acc-b), ch-c (acc-c), teaser-d (acc-d): four contents of three accounts
    assert (figures.runs, figures.contents_found, figures.accounts_found, figures.cases_opened) == (1, 4, 3, 4)
    assert page.count == 1 and page.rows[0][0].href == f"/console/sweeps/{sweep.id}"
    assert [c.text for c in page.rows[0][1:5]] == [f"case #{seed}", "4", "3", "4"]
