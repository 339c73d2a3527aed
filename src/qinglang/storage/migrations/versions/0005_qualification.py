"""qualification and grading: operator kinds and keyed identity records, licences and their verification, account
categories, qualification state and review time, credit score history, content quality assessments; outbox events
that belong to no action (grade changes, qualification warnings)

Revision ID: 0005_qualification
Revises: 0004_review_domain

Existing data is carried over without trusting it: the old operator kinds map to the new ones (``person`` ->
``individual``, ``organisation`` -> ``other_organisation``, which a reviewer corrects on the operator page); an
identity ``verification_state`` of ``verified`` that the platform set itself becomes ``unverified`` (nothing is
verified on the caller's word); the old unkeyed ``id_document_hash`` is kept for reference but never matched; every
account's qualification state becomes ``unassessed`` with ``next_review_at`` now, so the worker assesses each one
on its first pass; a free-text ``quality_grade`` that is not a grade A-E is cleared (the worker computes it).
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime, utcnow

revision = "0005_qualification"
down_revision = "0006_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _operators()
    _accounts()
    _licences()
    _credit_scores()
    _quality_assessments()
    with op.batch_alter_table("review_outbox") as batch:  # nothing refers to the outbox: a batch copy is safe
        batch.alter_column("action_id", existing_type=sa.Integer(), nullable=True)


def _operators() -> None:
    for column in (
        sa.Column("identity_kind", sa.String(length=16), nullable=True),
        sa.Column("identity_digest", sa.String(length=80), nullable=True),
        sa.Column("identity_masked", sa.String(length=32), nullable=True),
        sa.Column("identity_key_id", sa.String(length=32), nullable=True),
        sa.Column("verified_by", sa.Integer(), nullable=True),
        sa.Column("verified_at", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    ):
        op.add_column("operators", column)
    op.create_index("ix_operators_identity_digest", "operators", ["identity_digest"])
    op.execute("UPDATE operators SET kind = 'individual' WHERE kind = 'person'")
    op.execute("UPDATE operators SET kind = 'other_organisation' WHERE kind = 'organisation'")
    op.execute("UPDATE operators SET verification_state = 'unverified'")


def _accounts() -> None:
    op.add_column("accounts", sa.Column("category", sa.String(length=64), nullable=False, server_default="general"))
    op.add_column("accounts", sa.Column("credit_score", sa.Float(), nullable=True))
    op.add_column("accounts", sa.Column("qualification_reasons", sa.JSON(), nullable=True))
    op.add_column("accounts", sa.Column("next_review_at", UtcDateTime(), nullable=True))
    op.create_index("ix_accounts_next_review_at", "accounts", ["next_review_at"])
    accounts = sa.table("accounts", sa.column("qualification_state", sa.String),
                        sa.column("next_review_at", UtcDateTime()), sa.column("qualification_reasons", sa.JSON))
    op.get_bind().execute(accounts.update().values(qualification_state="unassessed", next_review_at=utcnow(),
                                                   qualification_reasons=[]))
    op.execute("UPDATE accounts SET quality_grade = NULL WHERE quality_grade NOT IN ('A', 'B', 'C', 'D', 'E')")


def _licences() -> None:
    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=128), nullable=False),
        sa.Column("issuer", sa.String(length=256), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("scan_media_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=160), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=160), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=160), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"], name=op.f("fk_licences_operator_id_operators")),
        sa.ForeignKeyConstraint(["scan_media_id"], ["review_media.id"],
                                name=op.f("fk_licences_scan_media_id_review_media")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
    )
    op.create_index("ix_licences_operator_id", "licences", ["operator_id"])
    op.create_index("ix_licences_queue", "licences", ["status", "submitted_at"])


def _credit_scores() -> None:
    op.create_table(
        "credit_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("raw", sa.Float(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_credit_scores_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_scores")),
    )
    op.create_index("ix_credit_scores_account", "credit_scores", ["account_id", "id"])


def _quality_assessments() -> None:
    op.create_table(
        "quality_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_version_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("assessed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["content_version_id"], ["content_versions.pk"],
                                name=op.f("fk_quality_assessments_content_version_id_content_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_assessments")),
        sa.UniqueConstraint("content_version_id", name=op.f("uq_quality_assessments_content_version_id")),
    )
    op.create_index("ix_quality_assessments_account_id", "quality_assessments", ["account_id"])
    op.create_index("ix_quality_assessments_assessed_at", "quality_assessments", ["assessed_at"])


def downgrade() -> None:
    op.execute("DELETE FROM review_outbox WHERE action_id IS NULL")
    with op.batch_alter_table("review_outbox") as batch:
        batch.alter_column("action_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("quality_assessments")
    op.drop_table("credit_scores")
    op.drop_table("licences")
    op.drop_index("ix_accounts_next_review_at", table_name="accounts")
    for name in ("next_review_at", "qualification_reasons", "credit_score", "category"):
        op.execute(f"ALTER TABLE accounts DROP COLUMN {name}")  # SQLite 3.35+ and PostgreSQL; no table copy
    op.drop_index("ix_operators_identity_digest", table_name="operators")
    for name in ("version", "verified_at", "verified_by", "identity_key_id", "identity_masked", "identity_digest",
                 "identity_kind"):
        op.execute(f"ALTER TABLE operators DROP COLUMN {name}")
    op.execute("UPDATE operators SET kind = 'person' WHERE kind = 'individual'")
    op.execute("UPDATE operators SET kind = 'organisation' WHERE kind <> 'person'")
    op.execute("UPDATE accounts SET qualification_state = 'unverified'")
