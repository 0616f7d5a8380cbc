"""registration drafts expire: expired_at, and an index to find idle drafts

Revision ID: 0011_draft_expiry
Revises: 0007_registration_drafts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0011_draft_expiry"
down_revision = "0007_registration_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registration_drafts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expired_at", storage.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_registration_drafts_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registration_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_drafts_updated_at")
        batch_op.drop_column("expired_at")
