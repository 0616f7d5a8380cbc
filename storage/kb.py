"""The knowledge base: documents and their passages (questions live in kb_questions).

The full-text index is not described by these models: on SQLite it is an FTS5 table
(`kb_passages_fts`) kept in step with `kb_passages` by triggers, on PostgreSQL a
generated `tsvector` column with a GIN index. Both are created by migration 0002 and
change in the same transaction as the passages they index. `storage.kb_search` queries
them; `include_object` keeps them out of autogenerate's comparison.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.kb_glossary import KbGlossaryEntry

#: Names of the hand-written full-text objects (migration 0002), not in the models.
FTS_TABLE = "kb_passages_fts"
PG_VECTOR_COLUMN = "search_vector"
PG_VECTOR_INDEX = "ix_kb_passages_search_vector"


class KbDocument(Base):
    """One ingested file (or page): `source` is its path relative to the ingested
    folder `root` (the folder's absolute path; a re-ingest of it removes what is gone)."""

    __tablename__ = "kb_documents"
    __table_args__ = (UniqueConstraint("root", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    root: Mapped[str] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str | None] = mapped_column(String(500))
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KbPassage(Base):
    """A heading-delimited piece of a document; what search returns and answers quote.

    `audience` is None for every partner, else the allowed tiers as `,gold,platinum,`
    (lower-case, comma-fenced) so the search query can filter with one LIKE.
    """

    __tablename__ = "kb_passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    section: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str | None] = mapped_column(String(500))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The model that computed `embedding`, and the hash of the text it embedded
    #: (an unchanged passage keeps its vector when its document is re-ingested).
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    text_hash: Mapped[str | None] = mapped_column(String(64))


def text_hash(title: str, section: str, body: str) -> str:
    """What identifies a passage's text for reusing its embedding."""
    return hashlib.sha256(f"{title}\x1f{section}\x1f{body}".encode()).hexdigest()


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic hook: leave the hand-written full-text objects out of autogenerate."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == PG_VECTOR_COLUMN:
        return False
    return not (type_ == "index" and name == PG_VECTOR_INDEX)


def fence_audience(tiers: Sequence[str] | None) -> str | None:
    """`["Gold", "platinum"]` -> `,gold,platinum,`; None/empty -> None (everyone)."""
    cleaned = sorted({t.strip().lower() for t in tiers or () if t and t.strip()})
    return f",{','.join(cleaned)}," if cleaned else None


@dataclass(frozen=True)
class PassageIn:
    """A passage to store (ingestion output)."""

    title: str
    section: str
    body: str


# -- documents ----------------------------------------------------------------------


async def get_document(session: AsyncSession, root: str, source: str) -> KbDocument | None:
    stmt = select(KbDocument).where(KbDocument.root == root, KbDocument.source == source)
    return (await session.scalars(stmt)).one_or_none()


async def list_document_hashes(session: AsyncSession, root: str) -> dict[str, str]:
    """source -> content hash of every document stored from `root`."""
    rows = await session.execute(
        select(KbDocument.source, KbDocument.content_hash).where(KbDocument.root == root)
    )
    return {source: digest for source, digest in rows}


async def replace_document(
    session: AsyncSession,
    root: str,
    source: str,
    *,
    title: str,
    content_hash: str,
    audience: Sequence[str] | None,
    passages: Sequence[PassageIn],
    url: str | None = None,
    now: datetime,
) -> KbDocument:
    """Store a document and its passages, replacing any earlier version of it."""
    document = await get_document(session, root, source)
    fenced = fence_audience(audience)
    kept: dict[str, tuple[str, bytes]] = {}
    if document is None:
        document = KbDocument(root=root, source=source)
        session.add(document)
    else:
        old = await session.execute(
            select(KbPassage.text_hash, KbPassage.embedding_model, KbPassage.embedding).where(
                KbPassage.document_id == document.id, KbPassage.embedding.is_not(None)
            )
        )
        kept = {h: (m, bytes(e)) for h, m, e in old if h and m and e is not None}
        await session.execute(delete(KbPassage).where(KbPassage.document_id == document.id))
    document.title = title[:500]
    document.url = url
    document.content_hash = content_hash
    document.audience = fenced
    document.ingested_at = now
    await session.flush()
    rows = []
    for position, passage in enumerate(passages):
        title, section = passage.title[:500], passage.section[:500]
        digest = text_hash(title, section, passage.body)
        model, vector = kept.get(digest, (None, None))
        rows.append(
            KbPassage(
                document_id=document.id,
                position=position,
                title=title,
                section=section,
                body=passage.body,
                audience=fenced,
                text_hash=digest,
                embedding=vector,
                embedding_model=model,
            )
        )
    session.add_all(rows)
    await session.flush()
    return document


async def delete_documents(session: AsyncSession, root: str, sources: Sequence[str]) -> int:
    """Remove documents of `root` (and their passages) by source; returns how many."""
    if not sources:
        return 0
    stmt = select(KbDocument.id).where(KbDocument.root == root, KbDocument.source.in_(sources))
    ids = list((await session.scalars(stmt)).all())
    if ids:
        await session.execute(delete(KbPassage).where(KbPassage.document_id.in_(ids)))
        await session.execute(delete(KbDocument).where(KbDocument.id.in_(ids)))
    return len(ids)


async def count_passages(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(KbPassage)) or 0)


async def index_stamp(
    session: AsyncSession, *, embeddings: bool = True
) -> tuple[int, int, str, int, int, int]:
    """Changes whenever the index changes: (passages, max id, latest ingest time,
    embedded passages, glossary entries, max glossary entry id). One query of one
    aggregate per table, no join: checked before every answer. Counting embedded
    passages reads every passage row (about 5x the rest on SQLite): `embeddings=False`
    (a process without an embedder, which never reads them) counts 0 instead."""

    def aggregate(column: Any) -> Any:
        return select(column).scalar_subquery()

    embedded = aggregate(func.count(KbPassage.embedding_model)) if embeddings else literal(0)
    connection = await session.connection()  # Core: half the CPU of ORM execution here
    row = (
        await connection.execute(
            select(
                aggregate(func.count(KbPassage.id)),
                aggregate(func.max(KbPassage.id)),
                aggregate(func.max(KbDocument.ingested_at)),
                embedded,
                aggregate(func.count(KbGlossaryEntry.id)),
                aggregate(func.max(KbGlossaryEntry.id)),
            )
        )
    ).one()
    return (
        int(row[0] or 0),
        int(row[1] or 0),
        str(row[2]),
        int(row[3] or 0),
        int(row[4] or 0),
        int(row[5] or 0),
    )


async def list_passage_texts(session: AsyncSession) -> list[tuple[int, str, str, str]]:
    """(id, title, section, body) of every passage (vocabulary for typo correction)."""
    rows = await session.execute(
        select(KbPassage.id, KbPassage.title, KbPassage.section, KbPassage.body)
    )
    return [(int(r[0]), r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True)
class PassageRow:
    """A passage with its document, as search returns it."""

    id: int
    document_id: int
    source: str
    url: str | None
    doc_title: str
    title: str
    section: str
    body: str
    position: int


async def get_passages(session: AsyncSession, ids: Sequence[int] | None) -> dict[int, PassageRow]:
    """The passages with these ids (None: every passage), by id."""
    if ids is not None and not ids:
        return {}
    stmt = select(KbPassage, KbDocument).join(KbDocument, KbDocument.id == KbPassage.document_id)
    if ids is not None:
        stmt = stmt.where(KbPassage.id.in_(list(ids)))
    out: dict[int, PassageRow] = {}
    for passage, document in await session.execute(stmt):
        out[passage.id] = PassageRow(
            id=passage.id,
            document_id=document.id,
            source=document.source,
            url=document.url,
            doc_title=document.title,
            title=passage.title,
            section=passage.section,
            body=passage.body,
            position=passage.position,
        )
    return out
