"""knowledge base

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Tables from the models (kb_documents, kb_passages, questions, question_feedback), plus
the hand-written full-text index the models do not describe (see storage/kb.py):
SQLite: an external-content FTS5 table kept in step by triggers; PostgreSQL: a
generated, weighted tsvector column with a GIN index. Either way the index changes in
the same transaction as the passages.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE kb_passages_fts USING fts5("
    "title, section, body, content='kb_passages', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER kb_passages_ai AFTER INSERT ON kb_passages BEGIN "
    "INSERT INTO kb_passages_fts(rowid, title, section, body) "
    "VALUES (new.id, new.title, new.section, new.body); END",
    "CREATE TRIGGER kb_passages_ad AFTER DELETE ON kb_passages BEGIN "
    "INSERT INTO kb_passages_fts(kb_passages_fts, rowid, title, section, body) "
    "VALUES ('delete', old.id, old.title, old.section, old.body); END",
    "CREATE TRIGGER kb_passages_au AFTER UPDATE ON kb_passages BEGIN "
    "INSERT INTO kb_passages_fts(kb_passages_fts, rowid, title, section, body) "
    "VALUES ('delete', old.id, old.title, old.section, old.body); "
    "INSERT INTO kb_passages_fts(rowid, title, section, body) "
    "VALUES (new.id, new.title, new.section, new.body); END",
)
_SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS kb_passages_au",
    "DROP TRIGGER IF EXISTS kb_passages_ad",
    "DROP TRIGGER IF EXISTS kb_passages_ai",
    "DROP TABLE IF EXISTS kb_passages_fts",
)
_PG_FTS = (
    "ALTER TABLE kb_passages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(section, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX ix_kb_passages_search_vector ON kb_passages USING gin (search_vector)",
)
_PG_FTS_DROP = (
    "DROP INDEX IF EXISTS ix_kb_passages_search_vector",
    "ALTER TABLE kb_passages DROP COLUMN IF EXISTS search_vector",
)


def upgrade() -> None:
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=1000), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=500), nullable=True),
        sa.Column("ingested_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_documents")),
        sa.UniqueConstraint("root", "source", name=op.f("uq_kb_documents_root_source")),
    )
    op.create_table(
        "kb_passages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=500), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_passages_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_passages")),
    )
    with op.batch_alter_table("kb_passages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_passages_document_id"), ["document_id"], unique=False
        )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("grounded", sa.Boolean(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=512), nullable=True),
        sa.Column("thread_id", sa.String(length=255), nullable=True),
        sa.Column("escalated_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("manager_answer", sa.Text(), nullable=True),
        sa.Column("answered_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_questions_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_questions_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_asked_at"), ["asked_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_thread_id"), ["thread_id"], unique=False)
    op.create_table(
        "question_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_question_feedback_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_feedback_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_feedback")),
        sa.UniqueConstraint(
            "question_id", "person_id", name=op.f("uq_question_feedback_question_id_person_id")
        ),
    )
    with op.batch_alter_table("question_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_feedback_question_id"), ["question_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    for statement in _PG_FTS if dialect == "postgresql" else _SQLITE_FTS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_FTS_DROP if dialect == "postgresql" else _SQLITE_FTS_DROP:
        op.execute(statement)
    with op.batch_alter_table("question_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_feedback_question_id"))
    op.drop_table("question_feedback")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_thread_id"))
        batch_op.drop_index(batch_op.f("ix_questions_person_id"))
        batch_op.drop_index(batch_op.f("ix_questions_partner_id"))
        batch_op.drop_index(batch_op.f("ix_questions_asked_at"))
    op.drop_table("questions")
    with op.batch_alter_table("kb_passages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_passages_document_id"))
    op.drop_table("kb_passages")
    op.drop_table("kb_documents")
