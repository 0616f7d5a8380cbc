"""Registration drafts: a deal being registered by conversation, one per thread.

A draft holds the answers given so far and the field the bot asked for last. It is
keyed by where the conversation happens (platform, channel, thread); the router finds
it through the thread's key (`draft:<id>` in `threads`).

A draft left unanswered expires: its answers are dropped and `expired_at` is set, so a
later reply in its thread can be told what happened; the row itself is deleted once
it has been expired for `KEEP_EXPIRED`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime

#: How long an expired draft is remembered (so a late reply in its thread is answered).
KEEP_EXPIRED = timedelta(days=30)


class RegistrationDraft(Base):
    """The answers of one registration by conversation, before the person confirms."""

    __tablename__ = "registration_drafts"
    __table_args__ = (
        Index("ix_registration_drafts_thread", "platform", "channel_id", "thread_id"),
        Index("ix_registration_drafts_updated_at", "updated_at"),
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
    #: When the draft expired unfinished (its answers are gone); None while it is open.
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


async def expire_drafts(session: AsyncSession, *, idle_since: datetime, now: datetime) -> int:
    """Expire the open drafts untouched since `idle_since`: their answers are dropped
    (nothing stale can be registered from them). Returns how many expired.

    One conditional UPDATE: a draft answered meanwhile (a newer `updated_at`) is left
    alone, on PostgreSQL even when the answer commits while this statement waits."""
    result = await session.execute(
        update(RegistrationDraft)
        .where(RegistrationDraft.expired_at.is_(None), RegistrationDraft.updated_at < idle_since)
        .values(expired_at=now, values={}, asking=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge_expired(session: AsyncSession, *, now: datetime) -> int:
    """Delete the drafts expired more than KEEP_EXPIRED ago (returns how many)."""
    result = await session.execute(
        delete(RegistrationDraft)
        .where(RegistrationDraft.expired_at < now - KEEP_EXPIRED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def has_newer_draft(session: AsyncSession, draft: RegistrationDraft) -> bool:
    """Whether a later draft was started in the same thread (the thread is its now)."""
    stmt = select(func.count()).where(
        RegistrationDraft.platform == draft.platform,
        RegistrationDraft.channel_id == draft.channel_id,
        RegistrationDraft.thread_id == draft.thread_id,
        RegistrationDraft.id > draft.id,
    )
    return bool(await session.scalar(stmt))
