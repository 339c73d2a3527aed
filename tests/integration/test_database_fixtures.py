"""The database fixtures themselves: a real PostgreSQL server on loopback, and migrations to head on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    from qinglang.storage.migrate import MIGRATIONS_DIR, alembic_config

    config = alembic_config("sqlite://")
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.mark.postgres
def test_postgres_server_answers_real_queries_on_loopback(postgres_server):
    rows = postgres_server.execute("SELECT current_setting('server_version_num')::int, inet_server_addr()::text")
    version_num, address = rows[0]
    assert version_num >= 120000
    assert address.startswith("127.0.0.1")


@pytest.mark.postgres
def test_postgres_server_runs_with_fsync_off_and_trust_on_loopback(postgres_server):
    assert postgres_server.execute("SHOW fsync") == [("off",)]
    assert postgres_server.url().startswith("postgresql://postgres@127.0.0.1:")


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_a_clean_database(engine, round_):
    # the second round would fail on CREATE TABLE if the first round's table leaked into it
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch_fixture_probe (id integer PRIMARY KEY)"))
        connection.execute(text("INSERT INTO scratch_fixture_probe (id) VALUES (1)"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM scratch_fixture_probe")).scalar_one() == 1


def test_database_url_starts_at_the_newest_schema(engine):
    from qinglang.storage.migrate import current_revision

    assert current_revision(engine) == _head_revision()


def test_migrations_bring_an_empty_database_to_head(empty_database_url):
    from qinglang.storage.db import make_engine
    from qinglang.storage.migrate import current_revision, upgrade

    engine = make_engine(empty_database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        upgrade(engine)  # a second run is a no-op
        assert current_revision(engine) == _head_revision()
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_settings_point_at_the_test_database(settings, database_url):
    assert settings.database.url == database_url


@pytest.fixture
def cloner(postgres_server):
    from qinglang.testing.postgres import DatabaseCloner

    postgres_server.create_database("cloner_template")
    for sql in (
        "CREATE TABLE seeded (id integer PRIMARY KEY, name text)",
        "INSERT INTO seeded VALUES (1, 'shipped row')",
        "CREATE TABLE item (id serial PRIMARY KEY, seeded_id integer REFERENCES seeded (id))",
    ):
        postgres_server.execute(sql, "cloner_template")
    yield DatabaseCloner.for_template(postgres_server, "cloner_template")
    postgres_server.drop_database("cloner_copy")
    postgres_server.drop_database("cloner_template")


@pytest.mark.postgres
def test_cloner_empties_rows_and_restarts_sequences_but_keeps_seeded_rows(cloner, postgres_server):
    cloner.fresh("cloner_copy")
    postgres_server.execute("INSERT INTO item (seeded_id) VALUES (1), (1)", "cloner_copy")
    cloner.fresh("cloner_copy")
    assert postgres_server.execute("SELECT count(*) FROM item", "cloner_copy") == [(0,)]
    assert postgres_server.execute("INSERT INTO item (seeded_id) VALUES (1) RETURNING id", "cloner_copy") == [(1,)]
    assert postgres_server.execute("SELECT name FROM seeded", "cloner_copy") == [("shipped row",)]


@pytest.mark.postgres
def test_cloner_copies_the_template_again_when_a_test_changed_the_schema_or_seeded_rows(cloner, postgres_server):
    cloner.fresh("cloner_copy")
    postgres_server.execute("DROP TABLE item", "cloner_copy")
    cloner.fresh("cloner_copy")
    assert postgres_server.execute("SELECT count(*) FROM item", "cloner_copy") == [(0,)]
    postgres_server.execute("DELETE FROM seeded", "cloner_copy")
    cloner.fresh("cloner_copy")
    assert postgres_server.execute("SELECT name FROM seeded", "cloner_copy") == [("shipped row",)]
