"""Set-based queries behind the deal reminders of `run_due`.

Each finder is one SELECT over the deals that are due, excluding those whose reminder
(named by its outbox dedupe key, built in SQL) is already queued;
`storage.outbox.enqueue_many` writes the reminders in one INSERT that skips keys
another replica queued meanwhile. Nothing
here loops over all registrations in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from storage.base import insert_or_ignore
from storage.deals import APPROVED, EXPIRED, Deal, DealEvent
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


#: At most this many reminders of one kind per run: a backlog (a first deployment, a
#: long outage) drains over a few ticks instead of one long transaction.
BATCH = 1000


async def find_due(
    session: AsyncSession,
    key: ColumnElement[str],
    *conditions: ColumnElement[bool],
    limit: int = BATCH,
) -> list[DueDeal]:
    """The deals matching `conditions` whose reminder `key` is not queued yet (the
    first `limit` of them, oldest id first)."""
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
        .limit(limit)
    )
    rows = await session.execute(stmt)
    return [DueDeal(*row) for row in rows.all()]


async def expire_ended(session: AsyncSession, *, now: datetime, limit: int = BATCH) -> list[int]:
    """Approved registrations whose protection ended (up to `limit`) become `expired`,
    with a `deal_events` row each, in one UPDATE and one INSERT. Returns their ids."""
    ending = (
        select(Deal.id)
        .where(Deal.status == APPROVED, Deal.protected_until <= now)
        .order_by(Deal.id)
        .limit(limit)
    )
    ended = await session.scalars(
        update(Deal)
        .where(Deal.id.in_(ending.scalar_subquery()), Deal.status == APPROVED)
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
