"""knowledge base: embedding model and text hash beside each passage; glossary entries

Revision ID: 0005_kb_embeddings
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_kb_embeddings"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): on SQLite a table copy would drop the FTS5
    # triggers of migration 0002.
    op.add_column("kb_passages", sa.Column("embedding_model", sa.String(length=200)))
    op.add_column("kb_passages", sa.Column("text_hash", sa.String(length=64)))
    op.create_table(
        "kb_glossary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=1000), nullable=False),
        sa.Column("term", sa.String(length=500), nullable=False),
        sa.Column("meaning", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_glossary")),
    )
    op.create_index(op.f("ix_kb_glossary_root"), "kb_glossary", ["root"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_glossary_root"), table_name="kb_glossary")
    op.drop_table("kb_glossary")
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35), keeping the FTS5 triggers.
    op.execute("ALTER TABLE kb_passages DROP COLUMN text_hash")
    op.execute("ALTER TABLE kb_passages DROP COLUMN embedding_model")
