"""``0005_qualification`` carries old operators and accounts over without trusting them: old operator kinds map to
the new ones, a ``verified`` the platform set itself becomes ``unverified``, every account is left for the worker to
assess, a free-text grade is cleared; then it downgrades and upgrades again. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import alembic_config, upgrade

AT = datetime(2026, 1, 5, tzinfo=UTC)


def _insert(connection, table: str, **values) -> None:
    columns = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + k for k in values)})"),
                       values)


def test_old_operators_and_accounts_are_carried_over_untrusted(empty_database_url):
    engine = make_engine(empty_database_url)
    cfg = alembic_config(empty_database_url)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0004_review_domain")
        with engine.begin() as connection:
            for op_id, kind in (("op-p", "person"), ("op-o", "organisation")):
                _insert(connection, "operators", id=op_id, name=op_id, kind=kind, licences="[]",
                        verification_state="verified", created_at=AT)
            for acc_id, grade in (("a-1", "A"), ("a-2", "very good")):
                _insert(connection, "accounts", id=acc_id, operator_id="op-p", name=acc_id, status="active",
                        qualification_state="verified", followers=0, strikes=0, quality_grade=grade, created_at=AT,
                        updated_at=AT)
        upgrade(engine)
        with engine.connect() as connection:
            operators = dict(tuple(r) for r in connection.execute(sa.text(
                "SELECT id, kind || '/' || verification_state FROM operators")).all())
            accounts = {r[0]: r[1:] for r in connection.execute(sa.text(
                "SELECT id, qualification_state, quality_grade, category, next_review_at FROM accounts"))}
        assert operators == {"op-p": "individual/unverified", "op-o": "other_organisation/unverified"}
        assert {k: v[:3] for k, v in accounts.items()} == {"a-1": ("unassessed", "A", "general"),
                                                          "a-2": ("unassessed", None, "general")}
        assert all(v[3] is not None for v in accounts.values())  # due at once: the worker assesses each
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0004_review_domain")
        assert "licences" not in sa.inspect(engine).get_table_names()
        upgrade(engine)
        assert {"licences", "credit_scores", "quality_assessments"} <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
