"""Set-based queries behind the deal reminders of `run_due`.

Each finder is one SELECT over the deals that are due, excluding those whose reminder
(named by its outbox dedupe key, built in SQL) is already queued; `queue_many` writes
the reminders in one INSERT that skips keys another replica queued meanwhile. Nothing
here loops over all registrations in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from storage.base import insert_or_ignore
from storage.deals import APPROVED, EXPIRED, Deal, DealEvent
from storage.outbox import PENDING as OUTBOX_PENDING
from storage.outbox import OutboxMessage
from storage.partners import Partner, PartnerChannel


@dataclass(frozen=True)
class DueDeal:
    """A deal a reminder is due for, with where its partner thread lives."""

    deal_id: int
    partner_id: int
    partner_name: str
    company: str
    protected_until: datetime | None
    manager_id: int | None
    platform: str | None
    channel_id: str | None
    dedupe_key: str


def dedupe_key_sql(prefix: str, *parts: QueryableAttribute[Any]) -> ColumnElement[str]:
    """`<prefix><deal id>[:<part>…]` as a SQL expression (`||`, on both backends)."""
    key: ColumnElement[str] = literal(prefix, String).concat(cast(Deal.id, String))
    for part in parts:
        key = key.concat(":").concat(cast(part, String))
    return key


def _channel(column: QueryableAttribute[str]) -> ColumnElement[str]:
    return (
        select(column)
        .where(PartnerChannel.partner_id == Deal.partner_id)
        .order_by(PartnerChannel.id)
        .limit(1)
        .scalar_subquery()
    )


async def find_due(
    session: AsyncSession, key: ColumnElement[str], *conditions: ColumnElement[bool]
) -> list[DueDeal]:
    """The deals matching `conditions` whose reminder `key` is not queued yet."""
    queued = exists().where(OutboxMessage.dedupe_key == key)
    stmt = (
        select(
            Deal.id,
            Deal.partner_id,
            Partner.name,
            Deal.company,
            Deal.protected_until,
            Partner.manager_id,
            func.coalesce(Deal.origin_platform, _channel(PartnerChannel.platform)),
            func.coalesce(Deal.origin_channel_id, _channel(PartnerChannel.channel_id)),
            key,
        )
        .join(Partner, Partner.id == Deal.partner_id)
        .where(*conditions, ~queued)
        .order_by(Deal.id)
    )
    rows = await session.execute(stmt)
    return [DueDeal(*row) for row in rows.all()]


async def expire_ended(session: AsyncSession, *, now: datetime) -> list[int]:
    """Every approved registration whose protection ended becomes `expired`, with a
    `deal_events` row each, in two statements. Returns their ids."""
    ended = await session.scalars(
        update(Deal)
        .where(Deal.status == APPROVED, Deal.protected_until <= now)
        .values(status=EXPIRED, updated_at=now)
        .returning(Deal.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(ended.all())
    if ids:
        await session.execute(
            insert_or_ignore(session, DealEvent).values(
                [
                    {
                        "deal_id": deal_id,
                        "at": now,
                        "actor_name": "PartnerBot",
                        "kind": "expired",
                        "from_status": APPROVED,
                        "to_status": EXPIRED,
                        "reason": "protection ended",
                        "detail": {},
                    }
                    for deal_id in ids
                ]
            )
        )
    return ids


async def queue_many(session: AsyncSession, messages: Sequence[dict[str, object]]) -> int:
    """Queue outbox rows (each with a `dedupe_key`) in one INSERT; a key already queued
    (by another replica meanwhile) is skipped. Returns how many were queued."""
    if not messages:
        return 0
    rows = [{"status": OUTBOX_PENDING, "attempts": 0, **m} for m in messages]
    inserted = await session.scalars(
        insert_or_ignore(session, OutboxMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return len(inserted.all())
