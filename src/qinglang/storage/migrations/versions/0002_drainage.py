"""drainage graph and image hashes (issue: drainage and images)

Revision ID: 0002_drainage
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_drainage"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drainage_targets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drainage_targets")),
        sa.UniqueConstraint("kind", "value_hash", name=op.f("uq_drainage_targets_kind")),
    )
    op.create_table(
        "drainage_edges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_version_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=128), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_version_id"],
            ["content_versions.pk"],
            name=op.f("fk_drainage_edges_content_version_id_content_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["drainage_targets.id"],
            name=op.f("fk_drainage_edges_target_id_drainage_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drainage_edges")),
        sa.UniqueConstraint("content_version_id", "target_id", name=op.f("uq_drainage_edges_content_version_id")),
    )
    op.create_index("ix_drainage_edges_account_id", "drainage_edges", ["account_id"])
    op.create_index("ix_drainage_edges_target_account", "drainage_edges", ["target_id", "account_id"])


def downgrade() -> None:
    op.drop_index("ix_drainage_edges_target_account", table_name="drainage_edges")
    op.drop_index("ix_drainage_edges_account_id", table_name="drainage_edges")
    op.drop_table("drainage_edges")
    op.drop_table("drainage_targets")
