"""The drainage migration goes down and up again cleanly on every backend."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import alembic_config, upgrade


def test_drainage_tables_come_and_go_with_their_migration(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        assert {"drainage_targets", "drainage_edges"} <= set(inspect(engine).get_table_names())
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0001_core")
        assert not {"drainage_targets", "drainage_edges"} & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert "drainage_edges" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
