"""Named threads: where a conversation the bot started lives on each platform (a
deal's thread in its partner's channel, a survey's, an escalated question's), so
later messages and replies find it."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Insert, String, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class Thread(Base):
    """Where a named thread lives on one platform (e.g. a deal's thread in its channel)."""

    __tablename__ = "threads"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(512))
    thread_id: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def get_thread(session: AsyncSession, key: str, platform: str) -> Thread | None:
    return await session.get(Thread, (key, platform))


async def list_thread_keys(
    session: AsyncSession, platform: str, channel_id: str, thread_id: str
) -> list[str]:
    """The keys recorded for the thread at this place, oldest first."""
    stmt = (
        select(Thread.key)
        .where(
            Thread.platform == platform,
            Thread.channel_id == channel_id,
            Thread.thread_id == thread_id,
        )
        .order_by(Thread.created_at, Thread.key)
    )
    return list((await session.scalars(stmt)).all())


async def get_threads(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Thread]:
    """The known threads among `(key, platform)` pairs, in one query."""
    wanted = set(keys)
    if not wanted:
        return {}
    stmt = select(Thread).where(Thread.key.in_({key for key, _ in wanted}))
    found = (await session.scalars(stmt)).all()
    return {(t.key, t.platform): t for t in found if (t.key, t.platform) in wanted}


async def save_thread(
    session: AsyncSession, key: str, *, platform: str, channel_id: str, thread_id: str
) -> None:
    """Record where thread `key` lives; the first record of a key wins."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    await session.execute(
        save_thread_stmt(dialect),
        save_thread_params(key, platform=platform, channel_id=channel_id, thread_id=thread_id),
    )


def save_thread_params(
    key: str, *, platform: str, channel_id: str, thread_id: str
) -> dict[str, object]:
    """The parameters of `save_thread_stmt` for thread `key` (recorded now)."""
    return {
        "t_key": key,
        "t_platform": platform,
        "t_channel": channel_id,
        "t_thread": thread_id,
        "t_at": utcnow(),
    }


@functools.cache
def save_thread_stmt(dialect: str) -> Insert:
    """`save_thread`'s INSERT ... ON CONFLICT DO NOTHING (`save_thread_params`), built
    once per dialect (building it cost more than running it: it runs for every thread
    started)."""
    table: Table = Thread.__table__  # type: ignore[assignment]
    stmt = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    return stmt.values(
        key=bindparam("t_key", type_=table.c.key.type),
        platform=bindparam("t_platform", type_=table.c.platform.type),
        channel_id=bindparam("t_channel", type_=table.c.channel_id.type),
        thread_id=bindparam("t_thread", type_=table.c.thread_id.type),
        created_at=bindparam("t_at", type_=table.c.created_at.type),
    ).on_conflict_do_nothing()


async def latest_thread_id(session: AsyncSession, platform: str, channel_id: str) -> str | None:
    """The thread the bot most recently started in this channel (the shell's `>`)."""
    stmt = (
        select(Thread.thread_id)
        .where(Thread.platform == platform, Thread.channel_id == channel_id)
        .order_by(Thread.created_at.desc(), Thread.key.desc())
        .limit(1)
    )
    return await session.scalar(stmt)
