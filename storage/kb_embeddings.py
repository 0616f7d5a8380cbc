"""Passage embeddings: stored beside each passage (`kb_passages.embedding`) with the
model that computed them, read back per audience, and filled in for passages that
have none from the current model."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kb import KbPassage


async def list_embeddings(
    session: AsyncSession, *, audience_like: str | None, model: str
) -> list[tuple[int, bytes]]:
    """(passage id, embedding) of every passage embedded by `model` that the audience
    may see.

    Args:
        audience_like: None for staff (everything), else a LIKE pattern such as
            `%,gold,%` that the passage's fenced audience must match (or be open).
        model: the embedding model whose vectors are wanted.
    """
    stmt = select(KbPassage.id, KbPassage.embedding).where(
        KbPassage.embedding.is_not(None), KbPassage.embedding_model == model
    )
    if audience_like is not None:
        stmt = stmt.where(or_(KbPassage.audience.is_(None), KbPassage.audience.like(audience_like)))
    rows = await session.execute(stmt.order_by(KbPassage.id))
    return [(int(pid), bytes(blob)) for pid, blob in rows if blob is not None]


async def list_unembedded(
    session: AsyncSession, *, model: str, limit: int
) -> list[tuple[int, str, str, str, str | None]]:
    """(id, title, section, body, text hash) of passages with no `model` embedding yet."""
    stmt = (
        select(
            KbPassage.id, KbPassage.title, KbPassage.section, KbPassage.body, KbPassage.text_hash
        )
        .where(or_(KbPassage.embedding_model.is_(None), KbPassage.embedding_model != model))
        .order_by(KbPassage.id)
        .limit(limit)
    )
    return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in await session.execute(stmt)]


async def set_embeddings(
    session: AsyncSession, vectors: Sequence[tuple[int, bytes]], *, model: str
) -> None:
    """Store each passage's embedding (by `model`)."""
    for pid, blob in vectors:
        await session.execute(
            update(KbPassage)
            .where(KbPassage.id == pid)
            .values(embedding=blob, embedding_model=model)
        )
