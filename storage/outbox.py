"""The outbox: every proactive message, queued until a sender delivers it exactly once.

Rows are claimed with a lease (`claimed_by`/`claimed_until`): PostgreSQL selects due
rows `FOR UPDATE SKIP LOCKED`; both backends then mark them with a conditional UPDATE,
so two replicas never send the same row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import JSON, Index, String, Text, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMessage(Base):
    """One message to deliver.

    Destination: `platform` + `channel_id` (+ `thread_id`), or `user_id` for a direct
    message. `thread_key` names a thread (e.g. "deal:42"): the first message with a key
    starts the thread and records it in `threads`; later ones post into it.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(512))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    thread_key: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Thread(Base):
    """Where a named thread lives on one platform (e.g. a deal's thread in its channel)."""

    __tablename__ = "threads"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(512))
    thread_id: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def enqueue(
    session: AsyncSession,
    *,
    platform: str,
    payload: dict[str, object],
    channel_id: str | None = None,
    thread_id: str | None = None,
    user_id: str | None = None,
    thread_key: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message. Returns None when `dedupe_key` was already queued."""
    if channel_id is None and user_id is None:
        raise ValueError("an outbox message needs a channel_id or a user_id")
    if dedupe_key is not None:
        existing = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return None
    message = OutboxMessage(
        platform=platform,
        channel_id=channel_id,
        thread_id=thread_id,
        user_id=user_id,
        thread_key=thread_key,
        payload=payload,
        dedupe_key=dedupe_key,
        next_attempt_at=not_before or utcnow(),
    )
    # Written with the session's next flush (its next query, or the commit), so the
    # messages of one use case go out in one INSERT.
    session.add(message)
    return message


#: Rows per INSERT in `enqueue_many` (SQLite allows 32,766 bound parameters).
INSERT_CHUNK = 500


async def enqueue_many(session: AsyncSession, messages: Sequence[dict[str, object]]) -> int:
    """Queue many messages, each a dict of `OutboxMessage` columns with a `dedupe_key`,
    in one INSERT per INSERT_CHUNK rows; a key already queued (by another replica
    meanwhile) is skipped. Returns how many were queued."""
    rows = [{"status": PENDING, "attempts": 0, **m} for m in messages]
    queued = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        inserted = await session.scalars(
            insert_or_ignore(session, OutboxMessage)
            .values(rows[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        queued += len(inserted.all())
    return queued


async def claim_due(
    session: AsyncSession, *, now: datetime, worker: str, lease: timedelta, limit: int = 50
) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker` until `now + lease`."""
    due = and_(
        OutboxMessage.status == PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )
    candidates = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), due)
        .values(claimed_by=worker, claimed_until=now + lease)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.all(), key=lambda m: m.id)


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
    await session.execute(
        insert_or_ignore(session, Thread)
        .values(
            key=key,
            platform=platform,
            channel_id=channel_id,
            thread_id=thread_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )


async def mark_sent(
    session: AsyncSession, message_id: int, *, worker: str, now: datetime, delivered_id: str
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(
            status=SENT,
            sent_at=now,
            message_id=delivered_id,
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def mark_retry(
    session: AsyncSession, message_id: int, *, worker: str, next_attempt_at: datetime, error: str
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(
            next_attempt_at=next_attempt_at,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def mark_failed(session: AsyncSession, message_id: int, *, worker: str, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(
            status=FAILED,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def list_outbox(session: AsyncSession, *, status: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    return list((await session.scalars(stmt)).all())
