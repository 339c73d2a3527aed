"""The human side: reports, cases and queues, decisions with editorial responsibility, enforcement through a
transactional outbox, appeals, rewards and the audit trail. Functions take a SQLAlchemy session and run inside
the caller's transaction; every state change appends an audit event in that same transaction."""
