"""Storage: SQLAlchemy tables, stores and migrations. SQLite (WAL) by default, PostgreSQL supported."""
