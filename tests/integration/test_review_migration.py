"""The review migration upgrades and downgrades cleanly on both backends."""

from __future__ import annotations

import sqlalchemy as sa

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import upgrade

REVIEW_TABLES = {"review_users", "review_cases", "review_reports", "review_decisions", "review_approvals",
                 "review_actions", "review_outbox", "review_strikes", "review_appeals", "review_rewards",
                 "review_media"}


def test_review_migration_downgrades_and_upgrades_again(empty_database_url):
    from alembic import command

    from qinglang.storage.migrate import alembic_config

    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        assert REVIEW_TABLES <= set(sa.inspect(engine).get_table_names())
        cfg = alembic_config(empty_database_url)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0002_drainage")
        assert not REVIEW_TABLES & set(sa.inspect(engine).get_table_names())
        upgrade(engine)
        assert REVIEW_TABLES <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
