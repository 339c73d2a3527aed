"""``0004_review_domain`` upgrades a database that the old races left untidy, keeping its data: duplicate open
cases on one target are merged (reports and counts moved over, an audit event each), a reader's repeated
received reports and repeated open appeals are marked ``merged``, events get their positions and the chain head
its row, and strike points are rebuilt from the ledger. Then it downgrades and upgrades again."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from qinglang.domain.audit import event_hash
from qinglang.services.audit import verify_chain
from qinglang.storage.db import make_engine, make_session_factory, transaction
from qinglang.storage.migrate import alembic_config, upgrade

AT = datetime(2026, 1, 5, tzinfo=UTC)


def _rows(connection, table: str, **values) -> None:
    columns = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + k for k in values)})"),
                       values)


def _case(connection, case_id: int, target: str, **extra) -> None:
    _rows(connection, "review_cases", id=case_id, target_kind="content", target_id=target, source="report",
          queue="porn", severity=2, reach=0, report_count=extra.pop("reports", 1), reporter_weight=1.0, priority=1.0,
          status=extra.pop("status", "open"), tier=0, sla_due_at=AT, title="", body="", evidence="[]", images="[]",
          created_at=AT, **extra)


def _report(connection, report_id: int, case_id: int, target: str, ip: str) -> None:
    _rows(connection, "review_reports", id=report_id, tracking_code=f"QL-{report_id:010d}", case_id=case_id,
          target_kind="content", target_id=target, reason="porn", text="", ip_hash=ip, screenshots="[]",
          status="received", created_at=AT)


def _old_data(url: str) -> None:
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0003_review")
    prev = ""
    with engine.begin() as connection:
        for n in range(3):
            digest = event_hash(prev, AT, "old", "x.made", "x", str(n), {})
            _rows(connection, "audit_events", at=AT, actor="old", action="x.made", subject_type="x",
                  subject_id=str(n), data="{}", prev_hash=prev, hash=digest)
            prev = digest
        for account, strikes in (("acc-ledger", 7), ("acc-platform", 2)):
            _rows(connection, "accounts", id=account, name=account, status="active", qualification_state="unverified",
                  followers=0, strikes=strikes, created_at=AT, updated_at=AT)
        _case(connection, 1, "art-1", reports=2)
        _case(connection, 2, "art-1", reports=1)  # the race's twin
        _case(connection, 3, "art-2", status="closed")
        _report(connection, 1, 1, "art-1", "ip-a")
        _report(connection, 2, 1, "art-1", "ip-a")  # the same reader twice
        _report(connection, 3, 2, "art-1", "ip-b")
        _rows(connection, "review_actions", id=1, case_id=3, kind="restrict", target_kind="account",
              target_id="acc-ledger", params="{}", reason="r", status="reverted", created_at=AT)
        _rows(connection, "review_strikes", account_id="acc-ledger", action_id=1, severity=1, active=False,
              created_at=AT)
        for appeal_id in (1, 2):
            _rows(connection, "review_appeals", id=appeal_id, action_id=1, account_id="acc-ledger", text="t",
                  status="open", reason="", created_at=AT)
    engine.dispose()


def test_the_upgrade_merges_duplicates_and_keeps_every_row(empty_database_url):
    _old_data(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.connect() as c:
            cases = c.execute(sa.text("SELECT id, status, outcome, report_count FROM review_cases ORDER BY id")).all()
            reports = c.execute(sa.text("SELECT id, case_id, status FROM review_reports ORDER BY id")).all()
            appeals = c.execute(sa.text("SELECT status FROM review_appeals ORDER BY id")).scalars().all()
            strikes = dict(c.execute(sa.text("SELECT id, strikes FROM accounts")).all())
            ledger = c.execute(sa.text("SELECT account_id, severity, action_id FROM review_strikes "
                                       "WHERE active ORDER BY id")).all()
            seqs = c.execute(sa.text("SELECT seq FROM audit_events ORDER BY id")).scalars().all()
        with transaction(make_session_factory(engine)) as s:
            chain = verify_chain(s)
        assert [tuple(r) for r in cases] == [(1, "open", None, 3), (2, "closed", "merged", 0), (3, "closed", None, 1)]
        assert [tuple(r) for r in reports] == [(1, 1, "received"), (2, 1, "merged"), (3, 1, "received")]
        assert appeals == ["open", "merged"]
        assert strikes == {"acc-ledger": 0, "acc-platform": 2}  # the reverted action's point is gone
        assert [tuple(r) for r in ledger] == [("acc-platform", 2, None)]
        assert seqs == [1, 2, 3, 4] and chain.ok and chain.checked == 4  # the merge is audited
        cfg = alembic_config(empty_database_url)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0003_review")
        upgrade(engine)
    finally:
        engine.dispose()
