"""``kill -9`` of the server mid-request and of the worker mid-transaction and mid-delivery, on SQLite and
PostgreSQL: afterwards nothing is lost, nothing is doubled, and the audit chain verifies.

The server runs as a real ``qinglang serve`` process; eight clients keep submitting content versions and reports
and the server is killed while they do, then started again and every request is sent again (as an integrator
retries: the lost ones for the first time, the answered ones as replays). The worker runs as a real
``qinglang worker run`` against 120 expiring suspensions and 250 webhooks to a receiver that takes 5 ms a
POST; it is killed three times — once as soon as its first expiry batch committed (the next batch is then in
its transaction), twice in the middle of deliveries — and finally runs to the end.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from fault_support import Process, Receiver, environment, start_server, wait_for
from sqlalchemy import func, select, update

from qinglang.services.apikeys import create_api_key
from qinglang.services.audit import verify_chain
from qinglang.services.review import enforcement
from qinglang.storage.base import utcnow
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.tables.core import AccountRow, AuditEventRow, ContentVersionRow, DecisionRow
from qinglang.storage.tables.review import Action, Case, OutboxEvent, Report, Strike

pytestmark = pytest.mark.slow
CONTENTS, VERSIONS = 8, 3
CLIENTS = 6
SUSPENSIONS, TAKE_DOWNS = 120, 10  # expiry runs in batches of 100: the second batch is in flight at the first kill


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _count(db, *columns_or_table, where=()) -> int:
    with transaction(db) as s:
        return s.execute(select(func.count()).select_from(*columns_or_table).where(*where)).scalar_one()


def _requests() -> list[tuple[str, dict]]:
    contents = [("content", {"content_id": f"k{i % CONTENTS}", "version": f"v{i // CONTENTS}",
                             "text": f"客服微信 abc{i % CONTENTS:03d} 第{i // CONTENTS}版"})
                for i in range(CONTENTS * VERSIONS)]
    report_list = [("report", {"target_kind": "content", "target_id": f"k{i}", "reason": "porn"})
                   for i in range(CONTENTS)]
    return contents + report_list


def _send(client: httpx.Client, kind: str, body: dict) -> int:
    if kind == "content":
        return client.post("/v1/contents", json=body).status_code
    return client.post("/v1/reports", data=body).status_code


def test_a_server_killed_mid_request_loses_and_doubles_nothing(database_url, db, tmp_path, figures):
    with transaction(db) as s:
        _key, secret = create_api_key(s, "faults", ["contents:write"], actor="test")
    env = environment(database_url, tmp_path / "data")
    work = _requests()
    server, url = start_server(env)
    answered: dict[int, int] = {}
    interrupted = []

    def client_loop(offset: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=300) as client:
            for i in range(offset, len(work), CLIENTS):
                try:
                    answered[i] = _send(client, *work[i])
                except httpx.HTTPError:
                    interrupted.append(i)
                    return  # the server is gone

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(answered) >= CLIENTS, 180, "the first answers")
    server.kill()
    for thread in threads:
        thread.join(30)
    server, url = start_server(env)
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=300) as client:
            retried = [_send(client, *request) for request in work]
    finally:
        server.stop()
    assert set(retried) <= {200, 201}, retried
    versions = _count(db, ContentVersionRow)
    decisions = _count(db, DecisionRow)
    stored = _count(db, AuditEventRow, where=(AuditEventRow.action == "content.stored",))
    cases = _count(db, Case)
    reports = _count(db, Report)
    with transaction(db) as s:
        counted = s.execute(select(func.coalesce(func.sum(Case.report_count), 0))).scalar_one()
        chain = verify_chain(s)
    figures(probe="server kill -9 mid-request", requests=len(work) * 2, answered_before_kill=len(answered),
            interrupted=len(interrupted), lost=CONTENTS * VERSIONS - versions, doubled=decisions - versions,
            chain_ok=chain.ok)
    assert interrupted, "the kill should land while requests are in flight"
    assert versions == decisions == stored == CONTENTS * VERSIONS  # every version once, with its decision
    assert cases == CONTENTS and reports == counted == CONTENTS  # one case per content, every report counted
    assert chain.ok, chain


def _seed_worker_load(db) -> tuple[int, int]:
    with transaction(db) as s:
        for i in range(SUSPENSIONS):
            s.add(AccountRow(id=f"acct-{i}", name=f"号{i}"))
        s.flush()
        for i in range(SUSPENSIONS):
            action = enforcement.apply_action(s, enforcement.NewAction(
                "suspend", "account", f"acct-{i}", "r", account_id=f"acct-{i}", params={"days": 1}), actor="t")
            action.expires_at = utcnow() - timedelta(minutes=1)
        for i in range(TAKE_DOWNS):
            enforcement.apply_action(s, enforcement.NewAction("take_down", "content", f"c{i}", "r"), actor="t")
    return SUSPENSIONS, TAKE_DOWNS


def test_a_worker_killed_mid_transaction_and_mid_delivery_loses_and_doubles_nothing(database_url, db, tmp_path,
                                                                                     figures):
    suspensions, take_downs = _seed_worker_load(db)
    receiver = Receiver(delay=0.005)
    env = environment(database_url, tmp_path / "data", QINGLANG_REVIEW__WEBHOOK_URL=receiver.url)
    expired = lambda: _count(db, Action, where=(Action.status == "expired",))  # noqa: E731
    kills = []
    try:
        for round_ in range(3):
            worker = Process(["worker", "run"], env)
            if round_ == 0:
                wait_for(lambda: expired() > 0, 180, "the first expiry batch")
            else:
                start = receiver.total()
                wait_for(lambda start=start: receiver.total() >= start + 10, 180, "deliveries")
            worker.kill()
            kills.append({"expired": expired(), "delivered": receiver.total()})
        worker = Process(["worker", "run"], env)
        wait_for(lambda: _count(db, OutboxEvent, where=(OutboxEvent.status != "delivered",)) == 0
                 and expired() == suspensions, 300, "the worker to finish")
        worker.stop()
    finally:
        receiver.close()
    with transaction(db) as s:
        events = set(s.execute(select(OutboxEvent.event_id)).scalars())
        action_events = s.execute(select(func.count()).select_from(OutboxEvent)
                                  .where(OutboxEvent.action_id.is_not(None))).scalar_one()
        reverts = s.execute(select(Action.reverts_id, func.count()).where(Action.kind == "revert")
                            .group_by(Action.reverts_id)).all()
        ledger = dict(s.execute(select(Strike.account_id, func.sum(Strike.severity)).where(Strike.active.is_(True))
                                .group_by(Strike.account_id)).all())
        shown = dict(s.execute(select(AccountRow.id, AccountRow.strikes).where(AccountRow.strikes != 0)).all())
        chain = verify_chain(s)
        s.execute(update(Action).values(reason=Action.reason))  # the rows are readable and writable afterwards
    redelivered = sum(n - 1 for n in receiver.seen.values())
    figures(probe="worker kill -9 mid-transaction and mid-delivery", kills=len(kills), at_kill=kills,
            webhooks=len(events), lost=len(events - set(receiver.seen)), redelivered_same_event_id=redelivered,
            reversals_doubled=sum(1 for _, n in reverts if n > 1), chain_ok=chain.ok)
    assert action_events == take_downs + 2 * suspensions  # each suspension: created, then expired
    assert set(receiver.seen) == events  # nothing lost; a redelivery carries the same event id
    assert len(reverts) == suspensions and all(n == 1 for _, n in reverts)  # each expiry reverted exactly once
    assert ledger == {} and shown == {}  # every suspension's strike points taken back with it
    assert chain.ok, chain
