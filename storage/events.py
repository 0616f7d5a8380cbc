"""Inbound event ids already processed, so a platform's retry is handled once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Table, bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.lean import LeanQuery, Statement


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def _claim_stmt(insert: Callable[[Table], Any]) -> Statement:
    table: Table = ProcessedEvent.__table__  # type: ignore[assignment]
    stmt = insert(table).values(
        platform=bindparam("platform", type_=table.c.platform.type),
        event_id=bindparam("event_id", type_=table.c.event_id.type),
        received_at=bindparam("at", type_=table.c.received_at.type),
    )
    claimed: Statement = stmt.on_conflict_do_nothing().returning(table.c.platform)
    return claimed


#: INSERT ... ON CONFLICT DO NOTHING RETURNING, per dialect, on the driver
#: (`storage.lean`): every event runs it, and through Core its execution context and
#: result cost several times the statement.
_CLAIM = {
    "postgresql": LeanQuery(lambda: _claim_stmt(pg_insert)),
    "sqlite": LeanQuery(lambda: _claim_stmt(sqlite_insert)),
}


async def claim_event(session: AsyncSession, platform: str, event_id: str) -> bool:
    """Record `event_id` as processed, in the session's transaction; False when it
    already was (a retry).

    Uses INSERT ... ON CONFLICT DO NOTHING so two replicas racing on the same
    retry cannot both win: the second waits for the first's transaction and records
    nothing if it commits. Does not flush the session's pending changes (it reads
    none of them).
    """
    bind = session.bind
    dialect = bind.dialect.name if bind is not None else "sqlite"
    params = {"platform": platform, "event_id": event_id, "at": utcnow()}
    return bool(await _CLAIM[dialect].rows(session, params))


async def prune_events(session: AsyncSession, *, older_than: timedelta, now: datetime) -> int:
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - older_than)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
