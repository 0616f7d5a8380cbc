"""The outbox: every proactive message, queued until a sender delivers it exactly once.

Rows are claimed with a lease (`storage.outbox_claims`), then marked sent, retried or
failed here by the worker that holds them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import (
    JSON,
    Index,
    Insert,
    Integer,
    String,
    Table,
    Text,
    Update,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage import threads
from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow
from storage.lean import LeanInsert, autoflush

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


_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]
_INSERT = LeanInsert(_TABLE)
#: What a column not given holds before its default applies (NULL, as in Core).
_UNSET = dict.fromkeys(_INSERT.columns)

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


async def insert_rows(session: AsyncSession, rows: Sequence[Mapping[str, object]]) -> None:
    """Queue new messages (no `dedupe_key`), each a dict of `OutboxMessage` columns, in
    the order given, in one statement on the driver (`LeanInsert.insert_many`: one
    INSERT of VALUES up to VALUES_ROWS rows, else an `executemany`; no ORM
    object, no unit of work, no Core execution context), after the session's pending
    changes (autoflush). Unset columns take their defaults."""
    if not rows:
        return
    complete = new_rows(rows)
    await autoflush(session)
    await _INSERT.insert_many(session, complete)


#: The columns `new_rows` gives every row (all but the id), in the table's order.
COLUMNS = _INSERT.columns


def new_rows(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """New messages as `insert_rows` writes them: every one of COLUMNS, the unset ones
    with their defaults (for a statement that queues them with other work)."""
    unknown = set().union(*rows) - set(COLUMNS) if rows else set()
    if unknown:
        raise ValueError(f"not columns of the outbox: {sorted(unknown)}")
    now = utcnow()
    defaults = {
        **_UNSET,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    return [defaults | dict(row) for row in rows]


async def _finish(
    session: AsyncSession | AsyncConnection,
    row_id: int,
    /,
    *,
    worker: str,
    attempted: bool = True,
    **values: object,
) -> None:
    """End `worker`'s claim on a message, recording `values`. A Core UPDATE (no ORM
    bookkeeping), built once per set of `values`: it runs once per delivered message."""
    params = {"row_id": row_id, "worker": worker, "attempted": int(attempted)}
    params.update({f"new_{key}": value for key, value in values.items()})
    await session.execute(_finish_stmt(tuple(sorted(values))), params)


@functools.lru_cache(maxsize=16)
def _finish_stmt(keys: tuple[str, ...]) -> Update:
    table = _TABLE
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.claimed_by == bindparam("worker"))
        .values(
            claimed_by=None,
            claimed_until=None,
            attempts=table.c.attempts + bindparam("attempted", type_=Integer),
            **{key: bindparam(f"new_{key}", type_=table.c[key].type) for key in keys},
        )
    )


async def mark_sent(
    session: AsyncSession | AsyncConnection,
    message_id: int,
    *,
    worker: str,
    now: datetime,
    delivered_id: str,
) -> None:
    await _finish(
        session, message_id, worker=worker, status=SENT, sent_at=now, message_id=delivered_id
    )


async def mark_sent_starting_thread(
    connection: AsyncSession | AsyncConnection,
    message_id: int,
    *,
    worker: str,
    now: datetime,
    delivered_id: str,
    thread: Mapping[str, object],
) -> None:
    """PostgreSQL: `mark_sent` and `threads.save_thread` of the thread the message
    started (`thread`: `threads.save_thread_params`) in one statement, whole by itself:
    on an autocommit connection one round trip instead of BEGIN, UPDATE, INSERT,
    COMMIT, for every thread the bot starts."""
    params = {"row_id": message_id, "worker": worker, "attempted": 1, **thread}
    params.update({"new_status": SENT, "new_sent_at": now, "new_message_id": delivered_id})
    await connection.execute(_sent_starting_thread_stmt(), params)


@functools.cache
def _sent_starting_thread_stmt() -> Insert:
    sent = _finish_stmt(("message_id", "sent_at", "status")).returning(_TABLE.c.id)
    return threads.save_thread_stmt("postgresql").add_cte(sent.cte("sent"))


async def mark_retry(
    session: AsyncSession, message_id: int, *, worker: str, next_attempt_at: datetime, error: str
) -> None:
    await _finish(
        session, message_id, worker=worker, next_attempt_at=next_attempt_at, last_error=error[:2000]
    )


async def mark_failed(
    session: AsyncSession, message_id: int, *, worker: str, error: str, attempted: bool = True
) -> None:
    """Failed for good with `error`; `attempted=False` when it was not sent at all
    (its destination had just failed as gone)."""
    await _finish(
        session,
        message_id,
        worker=worker,
        attempted=attempted,
        status=FAILED,
        last_error=error[:2000],
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
