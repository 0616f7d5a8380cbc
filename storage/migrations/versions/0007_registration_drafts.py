"""registration drafts: deals being registered by conversation in a thread

Revision ID: 0007_registration_drafts
Revises: 0009_digests
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0007_registration_drafts"
down_revision = "0009_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=512), nullable=False),
        sa.Column("thread_id", sa.String(length=255), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("asking", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_registration_drafts_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_registration_drafts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_drafts")),
    )
    with op.batch_alter_table("registration_drafts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_drafts_thread",
            ["platform", "channel_id", "thread_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_drafts_thread")
    op.drop_table("registration_drafts")
