"""``0013_sweep_jobs`` keeps every sweep recorded before it ``completed`` (finished when it was created), adds the
lease columns a queued sweep is run under, and downgrades and upgrades again. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from qinglang.storage.db import make_engine
from qinglang.storage.migrate import alembic_config, upgrade

AT = datetime(2026, 1, 5, tzinfo=UTC)
LEASE = {"claimed_by", "lease_expires_at", "attempts", "error", "finished_at"}


def _columns(engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("sweeps")}


def test_old_sweeps_stay_completed_and_the_migration_goes_down_and_up(empty_database_url):
    engine = make_engine(empty_database_url)
    cfg = alembic_config(empty_database_url)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0012_originality")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO sweeps (seed_kind, seed_value, status, found, opened, started_by, created_at) "
                "VALUES ('domain', 'bad.example', 'completed', 2, 2, 'user:lead', :at)"), {"at": AT})
        assert not LEASE & _columns(engine)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0013_sweep_jobs")
        engine.dispose()
        assert LEASE <= _columns(engine)
        with engine.connect() as connection:
            row = connection.execute(sa.text(
                "SELECT status, found, attempts, error, claimed_by, lease_expires_at, finished_at FROM sweeps")).one()
        assert tuple(row[:6]) == ("completed", 2, 0, "", None, None) and row[6] is not None
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO sweeps (seed_kind, seed_value, status, found, opened, started_by, created_at) "
                "VALUES ('text', 'x', 'queued', 0, 0, 'user:lead', :at)"), {"at": AT})
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0012_originality")
        engine.dispose()
        assert not LEASE & _columns(engine)
        with engine.connect() as connection:
            statuses = sorted(connection.execute(sa.text("SELECT status FROM sweeps")).scalars())
        assert statuses == ["completed", "queued"]  # nothing recorded is lost going down
        upgrade(engine)
        assert LEASE <= _columns(engine)
        assert "ix_sweeps_status" in {i["name"] for i in sa.inspect(engine).get_indexes("sweeps")}
    finally:
        engine.dispose()
