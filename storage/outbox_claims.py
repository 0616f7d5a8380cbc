"""Claiming outbox rows: leases, in order per destination, safe across replicas.

Rows are claimed with a lease (`claimed_by`/`claimed_until`, and `next_attempt_at`
moved to the lease's end): claims take turns (a PostgreSQL advisory lock; SQLite's one
writer), PostgreSQL selects due rows `FOR UPDATE SKIP LOCKED`, and both backends mark
them with a conditional UPDATE, so two replicas never send the same row, and messages
to one destination are claimed in order, by one worker at a time.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import ReturningUpdate

from storage.base import UTCDateTime
from storage.outbox import PENDING, OutboxMessage


def _address(message: type[OutboxMessage] | Any) -> ColumnElement[str]:
    """Where a message goes, as one column: its channel, else the person it is for."""
    return func.coalesce(message.channel_id, message.user_id)


def _held(now: datetime | BindParameter[datetime]) -> Any:
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


def _claimable(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
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
    candidates, claim = _claim_stmts(limit, postgresql)
    ids = list((await session.scalars(candidates, {"now": now})).all())
    if not ids:
        return []
    params = {"now": now, "ids": ids, "worker": worker, "until": now + lease}
    claimed = await session.scalars(claim, params)
    return sorted(claimed.all(), key=lambda m: m.id)


@functools.lru_cache(maxsize=8)
def _claim_stmts(
    limit: int, postgresql: bool
) -> tuple[Select[int], ReturningUpdate[OutboxMessage]]:
    """The due-candidates SELECT and the claiming UPDATE, bound with `:now` (and `:ids`,
    `:worker`, `:until`), built once per limit and backend: building them (two
    subqueries, a cache key) cost more than running them, once per claim."""
    now = bindparam("now", type_=UTCDateTime())
    claimable = _claimable(now)
    candidates = select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id).limit(limit)
    if postgresql:
        candidates = candidates.with_for_update(skip_locked=True, of=OutboxMessage)
    until = bindparam("until", type_=UTCDateTime())
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(bindparam("ids", expanding=True)), claimable)
        .values(
            claimed_by=bindparam("worker", type_=String), claimed_until=until, next_attempt_at=until
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return candidates, claim


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
