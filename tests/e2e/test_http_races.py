"""The issue's probes over real HTTP, on SQLite and PostgreSQL: thirty wrong-password sign-ins interleaved with
thirty ``POST /v1/contents`` leave one unforked audit chain, and ten identical decide POSTs on one case (a
double click, two tabs) act once. No request gets a 5xx."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from qinglang.services.apikeys import create_api_key
from qinglang.services.audit import verify_chain
from qinglang.services.review import reports, users
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.tables.core import AuditEventRow
from qinglang.storage.tables.review import Action, OutboxEvent


def _db(live_server):
    return make_session_factory(make_engine(live_server.settings.database.url))


def _together(n: int, work) -> list:
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_wrong_sign_ins_interleaved_with_content_submissions_keep_one_chain(live_server, figures):
    db = _db(live_server)
    with transaction(db) as s:
        _key, secret = create_api_key(s, "race", ["contents:write"], actor="test")
        users.create_user(s, "victim", "password-victim", "reviewer", actor="test")

    def work(i: int) -> int:
        with live_server.client(timeout=60) as client:
            if i % 2:
                return client.post("/v1/contents", headers={"Authorization": f"Bearer {secret}"},
                                   json={"content_id": f"race-{i}", "text": f"第{i}章 长江是亚洲第一长河"}).status_code
            return client.post("/console/login", data={"username": "victim", "password": f"wrong-{i}"},
                               headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code

    codes = _together(60, work)
    with transaction(db) as s:
        chain = verify_chain(s)
        events, links = s.execute(select(func.count(), func.count(AuditEventRow.prev_hash.distinct()))).one()
    figures(probe="30 wrong sign-ins + 30 POST /v1/contents over HTTP", server_errors=sum(c >= 500 for c in codes),
            events=events, forks=events - links, chain_ok=chain.ok)
    assert all(c < 500 for c in codes), codes
    assert sorted(set(codes)) == [201, 401]
    assert chain.ok and events == links, chain


def test_ten_identical_decide_posts_at_once_act_once(live_server, figures):
    db = _db(live_server)
    with transaction(db) as s:
        users.create_user(s, "rev", "password-rev", "reviewer", actor="test")
        filed = reports.file_report(s, reports.NewReport("content", "race-target", "porn", ip="10.0.0.9"),
                                    review=live_server.settings.review, secret="k")
    with live_server.client(follow_redirects=False, timeout=60) as client:
        client.post("/console/login", data={"username": "rev", "password": "password-rev"})
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)
        client.post(f"/console/cases/{filed.case_id}/claim", data={"csrf": csrf})
        cookies = dict(client.cookies)

    def decide(_i: int) -> int:
        with live_server.client(follow_redirects=False, cookies=cookies, timeout=60) as client:
            return client.post(f"/console/cases/{filed.case_id}/decide",
                               data={"csrf": csrf, "choice": "take_down", "reason": "色情低俗"}).status_code

    codes = _together(10, decide)
    with transaction(db) as s:
        actions = s.execute(select(func.count()).select_from(Action)).scalar_one()
        webhooks = s.execute(select(func.count()).select_from(OutboxEvent)).scalar_one()
    figures(probe="10 identical decide POSTs over HTTP", server_errors=sum(c >= 500 for c in codes),
            accepted=codes.count(303), actions=actions, webhooks=webhooks, expected=1)
    assert codes.count(303) == 1 and set(codes) <= {303, 409}, codes
    assert actions == webhooks == 1
