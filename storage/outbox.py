"""The outbox: every proactive message, queued until a sender delivers it exactly once.

Rows are claimed with a lease (`claimed_by`/`claimed_until`, and `next_attempt_at`
moved to the lease's end): claims take turns (a PostgreSQL advisory lock; SQLite's one
writer), PostgreSQL selects due rows `FOR UPDATE SKIP LOCKED`, and both backends mark
them with a conditional UPDATE, so two replicas never send the same row, and messages
to one destination are claimed in order, by one worker at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Index,
    String,
    Text,
    and_,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

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


def _address(message: type[OutboxMessage] | Any) -> ColumnElement[str]:
    """Where a message goes, as one column: its channel, else the person it is for."""
    return func.coalesce(message.channel_id, message.user_id)


def _held(now: datetime) -> Any:
    """Per destination, the first message that holds the ones after it: one that waits
    for a retry, or one a worker has claimed (its lease still runs). Read through the
    `(status, next_attempt_at)` index: both kinds are pending rows not due yet."""
    held = aliased(OutboxMessage)
    return (
        select(
            held.platform.label("platform"),
            _address(held).label("address"),
            func.min(held.id).label("first_id"),
        )
        .where(
            held.status == PENDING,
            held.next_attempt_at > now,
            or_(held.attempts > 0, held.claimed_by.is_not(None)),
        )
        .group_by(held.platform, _address(held))
        .subquery("held")
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Due, and not behind a held message to the same destination (order per channel)."""
    held = _held(now)
    behind = exists().where(
        held.c.platform == OutboxMessage.platform,
        held.c.address == _address(OutboxMessage),
        held.c.first_id < OutboxMessage.id,
    )
    return and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now, ~behind)


#: PostgreSQL advisory lock (per schema) that makes claims of replicas take turns.
_CLAIM_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.outbox.claim'))")


async def claim_due(
    session: AsyncSession, *, now: datetime, worker: str, lease: timedelta, limit: int = 50
) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker` until `now + lease`, oldest first.

    Order per destination: a message is not claimed while an earlier one to the same
    channel (or person) waits for a retry or is claimed by a worker, so messages to one
    channel leave in the order they were queued, one worker at a time. The lease is
    written to `next_attempt_at` too: a crashed worker's messages are due again (and
    hold their channel) until it ends. Claims take turns: PostgreSQL through an advisory
    lock held to the end of the claiming transaction, SQLite through its one writer
    (the UPDATE re-checks every condition).
    """
    bind = session.bind
    postgresql = bind is not None and bind.dialect.name == "postgresql"
    if postgresql:
        await session.execute(_CLAIM_LOCK)
    claimable = _claimable(now)
    candidates = select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id).limit(limit)
    if postgresql:
        candidates = candidates.with_for_update(skip_locked=True, of=OutboxMessage)
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), claimable)
        .values(claimed_by=worker, claimed_until=now + lease, next_attempt_at=now + lease)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.all(), key=lambda m: m.id)


async def renew_claims(
    session: AsyncSession, ids: Sequence[int], *, worker: str, now: datetime, lease: timedelta
) -> set[int]:
    """Extend `worker`'s lease on these messages to `now + lease`; returns the ids it
    still held (a message whose lease ended may have been claimed by another worker)."""
    if not ids:
        return set()
    renewed = await session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == PENDING,
        )
        .values(claimed_until=now + lease, next_attempt_at=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return set(renewed.all())


async def release_claims(
    session: AsyncSession, ids: Sequence[int], *, worker: str, now: datetime
) -> None:
    """Give back claimed messages that were not attempted (due again at `now`)."""
    if not ids:
        return
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == PENDING,
        )
        .values(claimed_by=None, claimed_until=None, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


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


async def mark_failed(
    session: AsyncSession, message_id: int, *, worker: str, error: str, attempted: bool = True
) -> None:
    """Failed for good with `error`; `attempted=False` when it was not sent at all
    (its destination had just failed as gone)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(
            status=FAILED,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts + int(attempted),
        )
    )


async def list_outbox(session: AsyncSession, *, status: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    return list((await session.scalars(stmt)).all())


async def list_failed(session: AsyncSession, *, limit: int = 200) -> list[OutboxMessage]:
    """Messages that failed for good, newest first."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def count_failed(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == FAILED)
    return int(await session.scalar(stmt) or 0)
