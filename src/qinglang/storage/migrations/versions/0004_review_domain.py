"""the review domain: compare-and-set versions, one open case per target, sessions, login throttle, the audit
chain head and positions, idempotency keys, a strike ledger that is the one source of strike points

Revision ID: 0004_review_domain
Revises: 0003_review

Existing data is carried over: events get their positions (``seq``) and the chain head its row; duplicate open
cases on one target (left by the race this revision closes) are merged into the oldest one, with an audit event
each; a reader's repeated received reports and repeated open appeals of one action are marked ``merged``; and
every account's strike points are rebuilt from the ledger (an account whose points came from the platform alone
gets one adjustment line, so nothing it showed is lost).
"""

import sqlalchemy as sa
from alembic import op

from qinglang.domain.audit import canonical_json, event_hash
from qinglang.storage.base import UtcDateTime, utcnow

revision = "0004_review_domain"
down_revision = "0003_review"
branch_labels = None
depends_on = None

OPEN_CASE = "status != 'closed' AND known_answer IS NULL"
RECEIVED = "status = 'received'"
RECEIVED_WITH_CONTACT = "status = 'received' AND contact_hash IS NOT NULL"
OPEN_APPEAL = "status = 'open'"

events = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("at", UtcDateTime()),
    sa.column("actor", sa.String), sa.column("action", sa.String), sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.String), sa.column("data", sa.JSON), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
head = sa.table("audit_chain_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                sa.column("hash", sa.String), sa.column("updated_at", UtcDateTime()))


def upgrade() -> None:
    _audit_positions()
    _small_tables()
    # a plain ADD COLUMN: on SQLite a batch (copy and drop) of a table other rows refer to would break their keys
    op.add_column("review_cases", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    _merge_duplicate_cases()
    op.create_index("uq_review_cases_open_target", "review_cases", ["target_kind", "target_id"], unique=True,
                    sqlite_where=sa.text(OPEN_CASE), postgresql_where=sa.text(OPEN_CASE))
    _mark_repeats("review_reports", ["target_kind", "target_id", "ip_hash"], RECEIVED)
    _mark_repeats("review_reports", ["target_kind", "target_id", "contact_hash"], RECEIVED_WITH_CONTACT)
    op.create_index("uq_review_reports_open_ip", "review_reports", ["target_kind", "target_id", "ip_hash"],
                    unique=True, sqlite_where=sa.text(RECEIVED), postgresql_where=sa.text(RECEIVED))
    op.create_index("uq_review_reports_open_contact", "review_reports", ["target_kind", "target_id", "contact_hash"],
                    unique=True, sqlite_where=sa.text(RECEIVED_WITH_CONTACT),
                    postgresql_where=sa.text(RECEIVED_WITH_CONTACT))
    _mark_repeats("review_appeals", ["action_id"], OPEN_APPEAL)
    op.create_index("uq_review_appeals_open_action", "review_appeals", ["action_id"], unique=True,
                    sqlite_where=sa.text(OPEN_APPEAL), postgresql_where=sa.text(OPEN_APPEAL))
    _strike_ledger()


def _audit_positions() -> None:
    """Number the existing events in chain order and record the head."""
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.execute("UPDATE audit_events SET seq = numbered.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n "
               "FROM audit_events) AS numbered WHERE audit_events.id = numbered.id")
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_events_seq"), ["seq"])
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    bind = op.get_bind()
    last = bind.execute(sa.select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
    bind.execute(head.insert().values(id=1, seq=last[0] if last else 0, hash=last[1] if last else "",
                                      updated_at=utcnow()))


def _small_tables() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "review_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["review_users.id"], name=op.f("fk_review_sessions_user_id_review_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sessions")),
    )
    op.create_index(op.f("ix_review_sessions_expires_at"), "review_sessions", ["expires_at"], unique=False)
    op.create_index(op.f("ix_review_sessions_user_id"), "review_sessions", ["user_id"], unique=False)
    op.create_table(
        "review_login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_review_login_throttle")),
    )
    op.create_index(op.f("ix_review_login_throttle_updated_at"), "review_login_throttle", ["updated_at"],
                    unique=False)


def _append(bind, action: str, subject_id: str, data: dict) -> None:
    """Append one audit event the way the running system does: through the chain head."""
    seq, prev = bind.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    at, payload = utcnow(), _json(data)
    new_hash = event_hash(prev, at, "system:upgrade", action, "case", subject_id, payload)
    bind.execute(events.insert().values(seq=seq + 1, at=at, actor="system:upgrade", action=action,
                                        subject_type="case", subject_id=subject_id, data=payload, prev_hash=prev,
                                        hash=new_hash))
    bind.execute(head.update().where(head.c.id == 1).values(seq=seq + 1, hash=new_hash, updated_at=at))


def _json(data: dict) -> dict:
    import json

    return json.loads(canonical_json(data))


def _merge_duplicate_cases() -> None:
    """Close every open duplicate of the oldest open case on a target, moving its reports and counts over."""
    bind = op.get_bind()
    groups = bind.execute(sa.text(
        f"SELECT target_kind, target_id FROM review_cases WHERE {OPEN_CASE} "
        "GROUP BY target_kind, target_id HAVING COUNT(*) > 1")).all()
    for kind, target in groups:
        rows = bind.execute(sa.text(
            f"SELECT id, report_count, reporter_weight FROM review_cases WHERE {OPEN_CASE} "
            "AND target_kind = :k AND target_id = :t ORDER BY id"), {"k": kind, "t": target}).all()
        keep, duplicates = rows[0], rows[1:]
        for dup in duplicates:
            _merge_case(bind, keep[0], dup)


def _merge_case(bind, keep_id: int, dup) -> None:
    params = {"keep": keep_id, "dup": dup[0], "n": dup[1], "w": dup[2]}
    bind.execute(sa.text("UPDATE review_reports SET case_id = :keep WHERE case_id = :dup"), params)
    bind.execute(sa.text("UPDATE review_cases SET report_count = report_count + :n, "
                         "reporter_weight = reporter_weight + :w WHERE id = :keep"), params)
    bind.execute(sa.text("UPDATE review_approvals SET status = 'merged' WHERE case_id = :dup AND status = 'pending'"),
                 params)
    close = sa.text("UPDATE review_cases SET status = 'closed', outcome = 'merged', claimed_by = NULL, "
                    "lease_expires_at = NULL, report_count = 0, reporter_weight = 0, version = version + 1, "
                    "closed_at = :now WHERE id = :dup").bindparams(sa.bindparam("now", type_=UtcDateTime()))
    bind.execute(close, {"dup": dup[0], "now": utcnow()})
    _append(bind, "case.merged", str(dup[0]), {"into": keep_id, "reports": dup[1]})


def _mark_repeats(table: str, columns: list[str], where: str) -> None:
    """Of rows that share ``columns`` under ``where``, keep the oldest and mark the others ``merged``."""
    cols = ", ".join(columns)
    op.execute(
        f"UPDATE {table} SET status = 'merged' WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
        f"(PARTITION BY {cols} ORDER BY id) AS n FROM {table} WHERE {where}) AS numbered WHERE n > 1)"
    )


def _strike_ledger() -> None:
    with op.batch_alter_table("review_strikes") as batch:
        batch.alter_column("action_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("review_strikes") as batch:
        batch.alter_column("reason", server_default=None)
    op.create_index(op.f("ix_review_strikes_action_id"), "review_strikes", ["action_id"], unique=False)
    bind = op.get_bind()
    ledger = dict(bind.execute(sa.text(
        "SELECT account_id, COALESCE(SUM(CASE WHEN active THEN severity ELSE 0 END), 0) FROM review_strikes "
        "GROUP BY account_id")).all())
    for account_id, strikes in bind.execute(sa.text("SELECT id, strikes FROM accounts")).all():
        if account_id in ledger:
            bind.execute(sa.text("UPDATE accounts SET strikes = :s WHERE id = :a"),
                         {"s": int(ledger[account_id]), "a": account_id})
        elif strikes:
            bind.execute(sa.text("INSERT INTO review_strikes (account_id, action_id, severity, active, reason, "
                                 "created_at) VALUES (:a, NULL, :s, :t, :r, :now)").bindparams(
                sa.bindparam("now", type_=UtcDateTime()), sa.bindparam("t", type_=sa.Boolean())),
                {"a": account_id, "s": strikes, "t": True, "r": "points held before qinglang kept a ledger",
                 "now": utcnow()})


def downgrade() -> None:
    op.execute("DELETE FROM review_strikes WHERE action_id IS NULL")
    op.drop_index(op.f("ix_review_strikes_action_id"), table_name="review_strikes")
    with op.batch_alter_table("review_strikes") as batch:
        batch.drop_column("reason")
        batch.alter_column("action_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("uq_review_appeals_open_action", table_name="review_appeals")
    op.drop_index("uq_review_reports_open_contact", table_name="review_reports")
    op.drop_index("uq_review_reports_open_ip", table_name="review_reports")
    op.drop_index("uq_review_cases_open_target", table_name="review_cases")
    op.execute("ALTER TABLE review_cases DROP COLUMN version")  # SQLite 3.35+ and PostgreSQL; no table copy
    op.drop_index(op.f("ix_review_login_throttle_updated_at"), table_name="review_login_throttle")
    op.drop_table("review_login_throttle")
    op.drop_index(op.f("ix_review_sessions_user_id"), table_name="review_sessions")
    op.drop_index(op.f("ix_review_sessions_expires_at"), table_name="review_sessions")
    op.drop_table("review_sessions")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_seq"), type_="unique")
        batch.drop_column("seq")
