"""originality of content versions: measured by the worker against the near-duplicate index

Revision ID: 0012_originality
Revises: 0011_rescreen

Three columns on ``quality_assessments``: ``originality`` (0..1, NULL until measured), ``duplicate_of`` (the
earlier content of another account it resembles most) and ``originality_state`` (``pending`` / ``measured``).
Every assessment stored before the upgrade becomes ``pending``, so the worker measures each once and its score,
band and flags are brought up to date through the account's credit recomputation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_originality"
down_revision = "0011_rescreen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quality_assessments") as batch:
        batch.add_column(sa.Column("originality", sa.Float(), nullable=True))
        batch.add_column(sa.Column("duplicate_of", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("originality_state", sa.String(length=16), nullable=False,
                                   server_default="pending"))
    op.create_index("ix_quality_assessments_originality_pending", "quality_assessments",
                    ["originality_state", "content_version_id"])


def downgrade() -> None:
    op.drop_index("ix_quality_assessments_originality_pending", table_name="quality_assessments")
    with op.batch_alter_table("quality_assessments") as batch:
        batch.drop_column("originality_state")
        batch.drop_column("duplicate_of")
        batch.drop_column("originality")
