"""Migration 0001_core: up from nothing, down to nothing, and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import alembic_config, current_revision, upgrade

CORE_TABLES = {
    "operators",
    "accounts",
    "content_versions",
    "decisions",
    "signals",
    "shadow_decisions",
    "list_entries",
    "api_keys",
    "audit_events",
}


def test_core_migration_goes_up_down_and_up_again(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0001_core")
        assert CORE_TABLES <= set(inspect(engine).get_table_names())
        cfg = alembic_config(empty_database_url)
        command.downgrade(cfg, "base")
        engine.dispose()
        assert not CORE_TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) is not None
        assert CORE_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
