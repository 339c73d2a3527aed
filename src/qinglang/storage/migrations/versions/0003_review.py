"""reports, cases, reviewers, actions, the outbox, appeals, rewards (issue: the human side)

Revision ID: 0003_review
Revises: 0002_drainage
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0003_review"
down_revision = "0002_drainage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_media")),
    )
    op.create_index(op.f("ix_review_media_sha256"), "review_media", ["sha256"], unique=False)
    op.create_table(
        "review_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_users")),
        sa.UniqueConstraint("username", name=op.f("uq_review_users_username")),
    )
    op.create_table(
        "review_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("reporter_weight", sa.Double(), nullable=False),
        sa.Column("priority", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("sla_due_at", UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("known_answer", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claimed_by"], ["review_users.id"], name=op.f("fk_review_cases_claimed_by_review_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["review_users.id"], name=op.f("fk_review_cases_decided_by_review_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cases")),
    )
    op.create_index("ix_review_cases_queue", "review_cases", ["status", "queue", "priority"], unique=False)
    op.create_index("ix_review_cases_target", "review_cases", ["target_kind", "target_id", "status"], unique=False)
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("reverts_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["review_users.id"], name=op.f("fk_review_actions_approved_by_review_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=op.f("fk_review_actions_case_id_review_cases")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["review_users.id"], name=op.f("fk_review_actions_decided_by_review_users")
        ),
        sa.ForeignKeyConstraint(
            ["reverts_id"], ["review_actions.id"], name=op.f("fk_review_actions_reverts_id_review_actions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_actions")),
    )
    op.create_index(op.f("ix_review_actions_case_id"), "review_actions", ["case_id"], unique=False)
    op.create_index(op.f("ix_review_actions_created_at"), "review_actions", ["created_at"], unique=False)
    op.create_index(op.f("ix_review_actions_expires_at"), "review_actions", ["expires_at"], unique=False)
    op.create_table(
        "review_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["review_cases.id"], name=op.f("fk_review_approvals_case_id_review_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["review_users.id"], name=op.f("fk_review_approvals_decided_by_review_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["review_users.id"], name=op.f("fk_review_approvals_requested_by_review_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_approvals")),
    )
    op.create_index(op.f("ix_review_approvals_case_id"), "review_approvals", ["case_id"], unique=False)
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("choice", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["review_cases.id"], name=op.f("fk_review_decisions_case_id_review_cases")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["review_users.id"], name=op.f("fk_review_decisions_reviewer_id_review_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    op.create_index(op.f("ix_review_decisions_case_id"), "review_decisions", ["case_id"], unique=False)
    op.create_index(op.f("ix_review_decisions_reviewer_id"), "review_decisions", ["reviewer_id"], unique=False)
    op.create_table(
        "review_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact_hash", sa.String(length=64), nullable=True),
        sa.Column("reporter_account_id", sa.String(length=128), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("screenshots", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=op.f("fk_review_reports_case_id_review_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reports")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_review_reports_tracking_code")),
    )
    op.create_index(op.f("ix_review_reports_case_id"), "review_reports", ["case_id"], unique=False)
    op.create_index(op.f("ix_review_reports_contact_hash"), "review_reports", ["contact_hash"], unique=False)
    op.create_index(op.f("ix_review_reports_created_at"), "review_reports", ["created_at"], unique=False)
    op.create_index(op.f("ix_review_reports_ip_hash"), "review_reports", ["ip_hash"], unique=False)
    op.create_table(
        "review_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["review_actions.id"], name=op.f("fk_review_appeals_action_id_review_actions")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["review_users.id"], name=op.f("fk_review_appeals_decided_by_review_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_appeals")),
    )
    op.create_index(op.f("ix_review_appeals_action_id"), "review_appeals", ["action_id"], unique=False)
    op.create_table(
        "review_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["review_actions.id"], name=op.f("fk_review_outbox_action_id_review_actions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_review_outbox_event_id")),
    )
    op.create_index(op.f("ix_review_outbox_action_id"), "review_outbox", ["action_id"], unique=False)
    op.create_index(op.f("ix_review_outbox_next_attempt_at"), "review_outbox", ["next_attempt_at"], unique=False)
    op.create_table(
        "review_rewards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("contact_hash", sa.String(length=64), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["review_users.id"], name=op.f("fk_review_rewards_approved_by_review_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["review_reports.id"], name=op.f("fk_review_rewards_report_id_review_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_rewards")),
        sa.UniqueConstraint("report_id", name=op.f("uq_review_rewards_report_id")),
    )
    op.create_index(op.f("ix_review_rewards_contact_hash"), "review_rewards", ["contact_hash"], unique=False)
    op.create_table(
        "review_strikes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["review_actions.id"], name=op.f("fk_review_strikes_action_id_review_actions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_strikes")),
    )
    op.create_index(op.f("ix_review_strikes_account_id"), "review_strikes", ["account_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_review_strikes_account_id"), table_name="review_strikes")
    op.drop_table("review_strikes")
    op.drop_index(op.f("ix_review_rewards_contact_hash"), table_name="review_rewards")
    op.drop_table("review_rewards")
    op.drop_index(op.f("ix_review_outbox_next_attempt_at"), table_name="review_outbox")
    op.drop_index(op.f("ix_review_outbox_action_id"), table_name="review_outbox")
    op.drop_table("review_outbox")
    op.drop_index(op.f("ix_review_appeals_action_id"), table_name="review_appeals")
    op.drop_table("review_appeals")
    op.drop_index(op.f("ix_review_reports_ip_hash"), table_name="review_reports")
    op.drop_index(op.f("ix_review_reports_created_at"), table_name="review_reports")
    op.drop_index(op.f("ix_review_reports_contact_hash"), table_name="review_reports")
    op.drop_index(op.f("ix_review_reports_case_id"), table_name="review_reports")
    op.drop_table("review_reports")
    op.drop_index(op.f("ix_review_decisions_reviewer_id"), table_name="review_decisions")
    op.drop_index(op.f("ix_review_decisions_case_id"), table_name="review_decisions")
    op.drop_table("review_decisions")
    op.drop_index(op.f("ix_review_approvals_case_id"), table_name="review_approvals")
    op.drop_table("review_approvals")
    op.drop_index(op.f("ix_review_actions_expires_at"), table_name="review_actions")
    op.drop_index(op.f("ix_review_actions_created_at"), table_name="review_actions")
    op.drop_index(op.f("ix_review_actions_case_id"), table_name="review_actions")
    op.drop_table("review_actions")
    op.drop_index("ix_review_cases_target", table_name="review_cases")
    op.drop_index("ix_review_cases_queue", table_name="review_cases")
    op.drop_table("review_cases")
    op.drop_table("review_users")
    op.drop_index(op.f("ix_review_media_sha256"), table_name="review_media")
    op.drop_table("review_media")
