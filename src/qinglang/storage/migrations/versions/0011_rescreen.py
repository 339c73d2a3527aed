"""automatic sweeps: one claim row per block-list entry a worker sweeps the history for

Revision ID: 0011_rescreen
Revises: 0010_books

A new table only; entries added before the upgrade are swept only when they fall within
``sweeps.auto_lookback_hours`` once automatic sweeps are turned on.
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0011_rescreen"
down_revision = "0010_books"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auto_sweeps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_entry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sweep_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["list_entry_id"], ["list_entries.id"], ondelete="CASCADE",
                                name=op.f("fk_auto_sweeps_list_entry_id_list_entries")),
        sa.ForeignKeyConstraint(["sweep_id"], ["sweeps.id"], name=op.f("fk_auto_sweeps_sweep_id_sweeps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_sweeps")),
        sa.UniqueConstraint("list_entry_id", name=op.f("uq_auto_sweeps_list_entry_id")),
    )


def downgrade() -> None:
    op.drop_table("auto_sweeps")
