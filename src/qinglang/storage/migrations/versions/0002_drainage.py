"""drainage graph and image hashes (issue: drainage and images)

Revision ID: 0002_drainage
Revises: 0001_core
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002_drainage"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
