"""books: one row per book with its shelf status and the roll-up of its chapters' decisions

Revision ID: 0010_books
Revises: 0008_similarity_sweeps

A new table only. Books of chapters stored before this revision are created the first time one of their chapters
is stored or decided, or at once with ``qinglang book refresh``.
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0010_books"
down_revision = "0008_similarity_sweeps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "books",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chapters", sa.Integer(), nullable=False),
        sa.Column("worst_verdict", sa.String(length=16), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("risk", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
    )
    op.create_index(op.f("ix_books_account_id"), "books", ["account_id"], unique=False)
    op.create_index(op.f("ix_books_flagged"), "books", ["flagged"], unique=False)
    op.create_index(op.f("ix_books_updated_at"), "books", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_table("books")
