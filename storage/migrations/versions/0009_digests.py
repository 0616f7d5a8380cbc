"""digests: partner_targets, digest_subscriptions, an index on deal_events for KPIs

Revision ID: 0009_digests
Revises: 0010_surveys
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0009_digests"
down_revision = "0010_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_targets",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("set_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_targets_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "quarter", name=op.f("pk_partner_targets")),
    )
    op.create_table(
        "digest_subscriptions",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_due_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_digest_subscriptions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_digest_subscriptions")),
    )
    with op.batch_alter_table("digest_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_subscriptions_next_due_at"), ["next_due_at"], unique=False
        )
    with op.batch_alter_table("deal_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_events_deal_status_at", ["deal_id", "to_status", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deal_events", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_events_deal_status_at")
    with op.batch_alter_table("digest_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_subscriptions_next_due_at"))
    op.drop_table("digest_subscriptions")
    op.drop_table("partner_targets")
