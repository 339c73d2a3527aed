"""reviewer training and certification: the practice set, practice answers, certificates and their history;
reviewers' notes on cases

Revision ID: 0006_console
Revises: 0007_statistics

New tables only; nothing existing changes. Reviewers start uncertified in every category; while
``certification.required`` is off (the default) that changes nothing they may do.
"""

import sqlalchemy as sa
from alembic import op

from qinglang.storage.base import UtcDateTime

revision = "0006_console"
down_revision = "0007_statistics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_case_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("right_answer", sa.String(length=32), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["source_case_id"], ["review_cases.id"],
                                name=op.f("fk_practice_cases_source_case_id_review_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_cases")),
        sa.UniqueConstraint("source_case_id", name=op.f("uq_practice_cases_source_case_id")),
    )
    op.create_index(op.f("ix_practice_cases_category"), "practice_cases", ["category"], unique=False)
    op.create_table(
        "practice_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("practice_case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=32), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["practice_case_id"], ["practice_cases.id"],
                                name=op.f("fk_practice_answers_practice_case_id_practice_cases")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["review_users.id"],
                                name=op.f("fk_practice_answers_reviewer_id_review_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_answers")),
        sa.UniqueConstraint("reviewer_id", "practice_case_id", "round", name=op.f("uq_practice_answers_reviewer_id")),
    )
    op.create_index("ix_practice_answers_reviewer_category", "practice_answers", ["reviewer_id", "category", "round"],
                    unique=False)
    op.create_table(
        "reviewer_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reviewer_id"], ["review_users.id"],
                                name=op.f("fk_reviewer_certificates_reviewer_id_review_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_certificates")),
        sa.UniqueConstraint("reviewer_id", "category", name=op.f("uq_reviewer_certificates_reviewer_id")),
    )
    op.create_table(
        "certification_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("from_level", sa.String(length=16), nullable=False),
        sa.Column("to_level", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("agreed", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reviewer_id"], ["review_users.id"],
                                name=op.f("fk_certification_events_reviewer_id_review_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_events")),
    )
    op.create_index(op.f("ix_certification_events_reviewer_id"), "certification_events", ["reviewer_id"],
                    unique=False)
    op.create_table(
        "review_case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["review_users.id"],
                                name=op.f("fk_review_case_notes_author_id_review_users")),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"],
                                name=op.f("fk_review_case_notes_case_id_review_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_case_notes")),
    )
    op.create_index(op.f("ix_review_case_notes_case_id"), "review_case_notes", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_review_case_notes_case_id"), table_name="review_case_notes")
    op.drop_table("review_case_notes")
    op.drop_index(op.f("ix_certification_events_reviewer_id"), table_name="certification_events")
    op.drop_table("certification_events")
    op.drop_table("reviewer_certificates")
    op.drop_index("ix_practice_answers_reviewer_category", table_name="practice_answers")
    op.drop_table("practice_answers")
    op.drop_index(op.f("ix_practice_cases_category"), table_name="practice_cases")
    op.drop_table("practice_cases")
