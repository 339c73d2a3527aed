"""Migration 0006_console: the certification tables come up on an existing review database and go down again."""

from __future__ import annotations

import importlib

from alembic import command
from sqlalchemy import inspect

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import alembic_config, upgrade

BEFORE = importlib.import_module("qinglang.storage.migrations.versions.0006_console").down_revision
TABLES = {"practice_cases", "practice_answers", "reviewer_certificates", "certification_events", "review_case_notes"}


def test_certification_tables_up_down_and_up(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, BEFORE)
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine, "0006_console")
        assert TABLES <= set(inspect(engine).get_table_names())
        command.downgrade(alembic_config(empty_database_url), BEFORE)
        engine.dispose()
        assert not TABLES & set(inspect(engine).get_table_names())
        assert "review_cases" in set(inspect(engine).get_table_names())
        upgrade(engine, "0006_console")
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
