"""Two statements that make a race harmless on SQLite and PostgreSQL alike.

- :func:`compare_and_set` — ``UPDATE t SET ... WHERE id = :id AND <expected>``; true when exactly one row
  changed. Of two transactions that read the same state and both try to move it, the database lets one
  through; the other's ``WHERE`` no longer matches (PostgreSQL re-checks it after the first commits; SQLite
  runs writers one at a time) and it learns it lost instead of acting twice.
- :func:`insert_or_nothing` — ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``: the row's id when this
  transaction inserted it, ``None`` when a unique index (e.g. "one open case per target") already held one.

On SQLite either statement should be the transaction's first write: a read before it runs outside the
transaction, so the write takes the lock and then sees the latest data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def compare_and_set(session: Session, table: Any, row_id: Any, expected: dict[str, Any], values: dict[str, Any]) -> bool:
    """Set ``values`` on the row ``row_id`` of ``table`` only if its columns still hold ``expected``."""
    conditions = [getattr(table, name) == value if value is not None else getattr(table, name).is_(None)
                  for name, value in expected.items()]
    stmt = (update(table).where(table.id == row_id, *conditions).values(**values)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).rowcount == 1


def insert_or_nothing(session: Session, table: Any, values: dict[str, Any]) -> Any | None:
    """Insert one row unless a unique constraint already holds its twin; the new primary key, or ``None``."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(*table.__table__.primary_key)
    return session.execute(stmt).scalar()
