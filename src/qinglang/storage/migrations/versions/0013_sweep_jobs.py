"""sweep jobs: a sweep is queued by the request and run by a worker under a lease

Revision ID: 0013_sweep_jobs
Revises: 0012_originality

Five columns on ``sweeps``: ``claimed_by``, ``lease_expires_at`` and ``attempts`` (the lease a worker runs a
queued sweep under, see ``storage/leases.py``), ``error`` (why a failed sweep failed) and ``finished_at``; and an
index on ``(status, id)`` for the worker's look for queued sweeps. Every sweep stored before the upgrade ran in
its request and keeps its status, ``completed``; its ``finished_at`` is its ``created_at``.
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0013_sweep_jobs"
down_revision = "0012_originality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sweeps") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("error", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("finished_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE sweeps SET finished_at = created_at WHERE status = 'completed'")
    op.create_index("ix_sweeps_status", "sweeps", ["status", "id"])


def downgrade() -> None:
    # sweeps still queued, running or failed keep their rows and status (no items): nothing recorded is lost
    op.drop_index("ix_sweeps_status", table_name="sweeps")
    with op.batch_alter_table("sweeps") as batch:
        batch.drop_column("finished_at")
        batch.drop_column("error")
        batch.drop_column("attempts")
        batch.drop_column("lease_expires_at")
        batch.drop_column("claimed_by")
