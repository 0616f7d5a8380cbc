"""Inbound event ids already processed, so a platform's retry is handled once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Table, bindparam, delete, func, literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage import deal_reads
from storage.base import Base, UTCDateTime, utcnow
from storage.lean import LeanQuery, Statement
from storage.threads import Thread


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


def _claim_and_keys_stmt() -> Statement:
    """PostgreSQL: the claim as a CTE (run once, to completion, whatever reads it) and
    the keys of the thread at `:channel_id`/`:thread_id` on `:platform`, oldest first:
    one row per key, each with the number of ids the claim recorded (1, or 0 for a
    retry); one row with no key when the thread has none."""
    claimed = _claim_stmt(pg_insert).cte("claimed")
    recorded = select(func.count()).select_from(claimed).scalar_subquery()
    keys = (
        select(Thread.key, Thread.created_at)
        .where(
            Thread.platform == bindparam("platform"),
            Thread.channel_id == bindparam("channel_id"),
            Thread.thread_id == bindparam("thread_id"),
        )
        .subquery("keys")
    )
    one = select(literal(1).label("one")).subquery("one")
    return (
        select(recorded, keys.c.key)
        .select_from(one.outerjoin(keys, true()))
        .order_by(keys.c.created_at, keys.c.key)
    )


_CLAIM_AND_KEYS = LeanQuery(_claim_and_keys_stmt)


async def claim_event_with_thread_keys(
    session: AsyncSession, platform: str, event_id: str, *, channel_id: str, thread_id: str
) -> list[str] | None:
    """`claim_event`, then the keys recorded for the thread at this place, oldest first
    (`storage.deal_reads.list_thread_keys`); None when the event was already claimed
    (a retry). One statement on PostgreSQL: a reply in a known thread asks for both,
    in the transaction that does its work."""
    bind = session.bind
    if bind is None or bind.dialect.name != "postgresql":
        if not await claim_event(session, platform, event_id):
            return None
        return await deal_reads.list_thread_keys(session, platform, channel_id, thread_id)
    params = {
        "platform": platform,
        "event_id": event_id,
        "at": utcnow(),
        "channel_id": channel_id,
        "thread_id": thread_id,
    }
    rows = await _CLAIM_AND_KEYS.rows(session, params)
    if not rows[0][0]:
        return None
    return [str(key) for _, key in rows if key is not None]


async def prune_events(session: AsyncSession, *, older_than: timedelta, now: datetime) -> int:
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - older_than)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
