"""Registration drafts: a deal being registered by conversation, one per thread.

A draft holds the answers given so far and the field the bot asked for last. It is
keyed by where the conversation happens (platform, channel, thread); the router finds
it through the thread's key (`draft:<id>` in `threads`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class RegistrationDraft(Base):
    """The answers of one registration by conversation, before the person confirms."""

    __tablename__ = "registration_drafts"
    __table_args__ = (
        Index("ix_registration_drafts_thread", "platform", "channel_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(512))
    thread_id: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    #: The registration form's nonce: Register and the prefilled form store one row.
    nonce: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, object]] = mapped_column(JSON)
    #: The field the bot asked for last; None once the summary is shown.
    asking: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def add_draft(session: AsyncSession, draft: RegistrationDraft) -> RegistrationDraft:
    session.add(draft)
    await session.flush()
    return draft


async def get_draft(
    session: AsyncSession, draft_id: int, *, for_update: bool = False
) -> RegistrationDraft | None:
    stmt = select(RegistrationDraft).where(RegistrationDraft.id == draft_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def delete_draft(session: AsyncSession, draft_id: int) -> None:
    await session.execute(delete(RegistrationDraft).where(RegistrationDraft.id == draft_id))
