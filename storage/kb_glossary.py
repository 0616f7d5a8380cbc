"""The knowledge base's glossary: the entries of each ingested folder's glossary.yml."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class KbGlossaryEntry(Base):
    """One line of the glossary.yml of an ingested folder `root`: term = meaning."""

    __tablename__ = "kb_glossary"

    id: Mapped[int] = mapped_column(primary_key=True)
    root: Mapped[str] = mapped_column(String(1000), index=True)
    term: Mapped[str] = mapped_column(String(500))
    meaning: Mapped[str] = mapped_column(String(500))


async def replace_glossary(
    session: AsyncSession, root: str, entries: Sequence[tuple[str, str]]
) -> None:
    """The glossary of the folder `root` becomes `entries` (none: removed)."""
    await session.execute(delete(KbGlossaryEntry).where(KbGlossaryEntry.root == root))
    session.add_all(
        KbGlossaryEntry(root=root, term=term[:500], meaning=meaning[:500])
        for term, meaning in entries
    )
    await session.flush()


async def list_glossary(session: AsyncSession) -> list[tuple[str, str]]:
    """(term, meaning) of every stored glossary entry."""
    rows = await session.execute(
        select(KbGlossaryEntry.term, KbGlossaryEntry.meaning).order_by(KbGlossaryEntry.id)
    )
    return [(term, meaning) for term, meaning in rows]
