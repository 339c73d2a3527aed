"""text fingerprints per content version; sweeps and the contents each found

Revision ID: 0008_similarity_sweeps
Revises: 0004_review_domain

New tables only. Fingerprints of content versions stored before this revision are computed from their text the
first time a sweep (or ``qinglang sweep index``) reads the index, so the upgrade itself stays quick.
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0008_similarity_sweeps"
down_revision = "0005_qualification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_fingerprints",
        sa.Column("content_version_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scheme", sa.String(length=96), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["content_version_pk"], ["content_versions.pk"], ondelete="CASCADE",
                                name=op.f("fk_text_fingerprints_content_version_pk_content_versions")),
        sa.PrimaryKeyConstraint("content_version_pk", name=op.f("pk_text_fingerprints")),
    )
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seed_kind", sa.String(length=16), nullable=False),
        sa.Column("seed_value", sa.Text(), nullable=False),
        sa.Column("seed_case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["seed_case_id"], ["review_cases.id"], name=op.f("fk_sweeps_seed_case_id_review_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweeps")),
    )
    op.create_index(op.f("ix_sweeps_created_at"), "sweeps", ["created_at"], unique=False)
    op.create_index(op.f("ix_sweeps_seed_case_id"), "sweeps", ["seed_case_id"], unique=False)
    op.create_table(
        "sweep_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sweep_id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.String(length=256), nullable=False),
        sa.Column("content_version_pk", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("reason_kind", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_opened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=op.f("fk_sweep_items_case_id_review_cases")),
        sa.ForeignKeyConstraint(["content_version_pk"], ["content_versions.pk"], ondelete="CASCADE",
                                name=op.f("fk_sweep_items_content_version_pk_content_versions")),
        sa.ForeignKeyConstraint(["sweep_id"], ["sweeps.id"], ondelete="CASCADE",
                                name=op.f("fk_sweep_items_sweep_id_sweeps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_items")),
        sa.UniqueConstraint("sweep_id", "content_id", name=op.f("uq_sweep_items_sweep_id")),
    )
    op.create_index("ix_sweep_items_case", "sweep_items", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sweep_items")
    op.drop_table("sweeps")
    op.drop_table("text_fingerprints")
