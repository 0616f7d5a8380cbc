"""Inbound event ids already processed, so a platform's retry is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


async def claim_event(session: AsyncSession, platform: str, event_id: str) -> bool:
    """Record `event_id` as processed; False when it already was (a retry).

    Uses INSERT ... ON CONFLICT DO NOTHING so two replicas racing on the same
    retry cannot both win.
    """
    stmt = (
        insert_or_ignore(session, ProcessedEvent)
        .values(platform=platform, event_id=event_id, received_at=utcnow())
        .on_conflict_do_nothing()
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def prune_events(session: AsyncSession, *, older_than: timedelta, now: datetime) -> int:
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - older_than)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
