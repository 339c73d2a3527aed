"""The human side: reports, cases and queues, decisions with editorial responsibility, enforcement through a
transactional outbox, appeals, rewards, strikes, sign-in and sessions.

The rules are pure and live in ``qinglang.domain.review``; these modules persist what the rules decide. A case
moves only through ``case_store.advance`` (a transition persisted by compare-and-set); edges read view
dataclasses (``views``, ``queries``), never rows. Functions take a SQLAlchemy session and run inside the caller's
transaction; every state change appends an audit event in that same transaction."""
