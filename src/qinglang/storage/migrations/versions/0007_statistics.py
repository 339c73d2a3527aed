"""daily figures: one row per local day and time zone, the day's statistics as JSON (issue: daily supervision)

Revision ID: 0007_statistics
Revises: 0004_review_domain
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0007_statistics"
down_revision = "0004_review_domain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_figures",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", "time_zone", name=op.f("pk_daily_figures")),
    )


def downgrade() -> None:
    op.drop_table("daily_figures")
