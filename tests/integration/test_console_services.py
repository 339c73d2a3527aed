"""The services behind the console's worklist on both databases: queue filters, sorts and pages; one search box
over cases, contents, accounts, tracking codes and drainage targets; notes; assignment (and reassignment, raced);
user management with its rules, its audit events and its ended sessions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from review_support import file, make_user, seed_content, sessions_for
from sqlalchemy import select

from qinglang.errors import Forbidden, InvalidInput, NotFound
from qinglang.services.review import notes, queue, search, sessions, users
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import AuditEventRow, ContentVersionRow
from qinglang.storage.tables.drainage import DrainageEdgeRow, DrainageTargetRow
from qinglang.storage.tables.review import Case


def _page(db, user, **f) -> search.QueuePage:
    with transaction(db) as s:
        return search.queue_page(s, search.QueueFilter(**f), user_id=user.id)


def test_queue_filters_sorts_and_pages_past_a_hundred(database_url):
    with sessions_for(database_url) as db:
        rev = make_user(db, "rev", "reviewer")
        for n in range(130):
            file(db, f"art-{n}", ip=f"10.0.{n // 250}.{n % 250}", reason="fraud" if n % 10 == 0 else "porn")
        with transaction(db) as s:
            queue.claim_case(s, s.execute(select(Case.id).where(Case.target_id == "art-7")).scalar(), rev,
                             lease_seconds=600)
        first, third = _page(db, rev), _page(db, rev, page=3)
        seen = {c.id for p in range(1, 4) for c in _page(db, rev, page=p).items}
        fraud = _page(db, rev, queue="fraud", sort="newest")
        mine, nobody = _page(db, rev, assignee="me"), _page(db, rev, assignee="none", per_page=200)
        by_name = _page(db, rev, assignee="rev")
        overdue = _page(db, rev, sla="overdue")
        with pytest.raises(InvalidInput) as unknown:
            _page(db, rev, queue="nope")
        with pytest.raises(InvalidInput):
            _page(db, rev, sort="DROP TABLE")
    assert (first.total, first.pages, len(first.items), len(third.items)) == (130, 3, 50, 30)
    assert len(seen) == 130  # every case on exactly one page
    assert fraud.total == 13 and [c.target_id for c in fraud.items][:2] == ["art-120", "art-110"]
    assert [c.target_id for c in mine.items] == ["art-7"] and by_name.total == 1 and nobody.total == 129
    assert mine.assignees == {rev.id: "rev"}
    assert overdue.total == 0
    assert unknown.value.code == "queue_unknown"


def test_search_finds_every_kind_of_id(database_url):
    with sessions_for(database_url) as db:
        seed_content(db, "art-1")
        report = file(db, "art-1")
        with transaction(db) as s:
            version = s.execute(select(ContentVersionRow.pk).where(ContentVersionRow.content_id == "art-1")).scalar()
            for kind, value in (("contact", "wechat:abc123"), ("qr_payload", "https://u.wechat.com/g/XyZ"),
                                ("domain", "bad-site.example")):
                target = DrainageTargetRow(kind=kind, value=value, value_hash=value)
                s.add(target)
                s.flush()
                s.add(DrainageEdgeRow(content_version_id=version, account_id="acc-1", target_id=target.id, via="t"))
        with transaction(db) as s:
            by = {q: search.search(s, q) for q in (str(report.case_id), "art-1", "薇信", "acc-1",
                                                   report.tracking_code.lower(), "abc123", "u.wechat.com/g",
                                                   "bad-site", "100%_", "")}
    assert [c.id for c in by[str(report.case_id)].cases] == [report.case_id]
    assert by["art-1"].contents[0].content_id == "art-1" and by["art-1"].cases[0].target_id == "art-1"
    assert "薇信" in by["薇信"].contents[0].snippet
    assert by["acc-1"].accounts[0][0] == "acc-1"
    assert by[report.tracking_code.lower()].reports[0][1] == report.case_id
    assert by["abc123"].targets[0].kind == "contact" and by["abc123"].targets[0].contents == ("art-1",)
    assert by["u.wechat.com/g"].targets[0].kind == "qr_payload"
    assert by["bad-site"].targets[0].accounts == ("acc-1",)
    assert by["100%_"].empty and by[""].empty  # % and _ are letters, not wildcards


def test_notes_and_racing_reassignment(database_url):
    with sessions_for(database_url) as db:
        seed_content(db, "art-1")
        case_id = file(db, "art-1").case_id
        rev, other = make_user(db, "rev", "reviewer"), make_user(db, "rev2", "reviewer")
        seniors = [make_user(db, f"sen{n}", "senior") for n in range(6)]
        with transaction(db) as s:
            notes.add_note(s, case_id, rev, "  导流账号，见上次处罚  ")
            with pytest.raises(InvalidInput):
                notes.add_note(s, case_id, rev, "   ")
        with transaction(db) as s, pytest.raises(Forbidden):
            queue.assign(s, case_id, rev, other)
        with transaction(db) as s:
            queue.claim_case(s, case_id, rev, lease_seconds=600)
        barrier = threading.Barrier(6)

        def reassign(senior):  # six seniors give the case away at once: each move is one compare-and-set
            barrier.wait()
            with transaction(db) as s:
                return queue.assign(s, case_id, senior, other).claimed_by

        with ThreadPoolExecutor(6) as pool:
            holders = set(pool.map(reassign, seniors))
        with transaction(db) as s:
            case = s.get(Case, case_id)
            listed = notes.list_notes(s, case_id)
            assigned = s.execute(select(AuditEventRow).where(AuditEventRow.action == "case.assigned")).scalars().all()
    assert holders == {other.id} and case.claimed_by == other.id and case.version == 1 + 6
    assert [(n.author, n.text) for n in listed] == [("rev", "导流账号，见上次处罚")]
    assert len(assigned) == 6


def test_user_management_rules_audit_and_ended_sessions(database_url):
    with sessions_for(database_url) as db:
        admin, lead = make_user(db, "admin", "admin"), make_user(db, "lead", "lead")
        rev = make_user(db, "rev", "reviewer")
        make_user(db, "lead2", "lead")
        with transaction(db) as s:
            token = sessions.open_session(s, rev, hours=1)[0]
        with transaction(db) as s:
            users.reset_password(s, lead, "rev", "a-new-password")
        with transaction(db) as s:
            assert sessions.find_session(s, token) is None  # a reset ends the sessions
            assert users.change_role(s, lead, "rev", "senior").role == "senior"
        for manager, name, change in ((lead, "lead2", "disable"), (lead, "rev", "admin"), (rev, "lead", "disable"),
                                      (lead, "lead", "disable")):
            with transaction(db) as s, pytest.raises((Forbidden, InvalidInput)) as refused:
                if change == "disable":
                    users.set_active(s, manager, name, False)
                else:
                    users.change_role(s, manager, name, change)
            assert refused.value.code in ("role_insufficient", "user_self_change")
        with transaction(db) as s:
            users.set_active(s, admin, "lead2", False)
            users.set_active(s, admin, "lead2", False)  # again: no change, no event
        with transaction(db) as s, pytest.raises(NotFound):
            users.set_active(s, admin, "nobody", False)
        with transaction(db) as s, pytest.raises(InvalidInput):
            users.reset_password(s, admin, "rev", "short")
        with transaction(db) as s:
            actions = [a for a in s.execute(select(AuditEventRow.action).order_by(AuditEventRow.seq)).scalars()
                       if a.startswith("user.") and a != "user.created"]
            listed = {u.username: u.active for u in users.list_users(s)}
    assert actions == ["user.password_reset", "user.role_changed", "user.disabled"]
    assert listed["lead2"] is False and listed["rev"] is True
