"""Managers' digest subscriptions: daily or weekly at a local time, to their DM.

`next_due_at` (UTC) is the one moment the next digest is due; sending claims it with a
conditional UPDATE (`WHERE next_due_at = <the value read>`), so two replicas never
build the same digest; the outbox dedupe key (`digest:<person>:<period>`) guards it
again. `last_sent_at` is where "since the last digest" starts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow

CADENCES = ("daily", "weekly", "off")


class DigestSubscription(Base):
    __tablename__ = "digest_subscriptions"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    cadence: Mapped[str] = mapped_column(String(8))
    #: 0 = Monday (weekly digests).
    weekday: Mapped[int] = mapped_column(default=0)
    local_time: Mapped[str] = mapped_column(String(5), default="08:30")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def get_subscription(session: AsyncSession, person_id: int) -> DigestSubscription | None:
    return await session.get(DigestSubscription, person_id)


async def save_subscription(
    session: AsyncSession,
    person_id: int,
    *,
    cadence: str,
    weekday: int,
    local_time: str,
    timezone: str,
    next_due_at: datetime | None,
    now: datetime,
) -> DigestSubscription:
    sub = await session.get(DigestSubscription, person_id, with_for_update=True)
    if sub is None:
        sub = DigestSubscription(person_id=person_id)
        session.add(sub)
    sub.cadence, sub.weekday, sub.local_time = cadence, weekday, local_time
    sub.timezone, sub.next_due_at, sub.updated_at = timezone, next_due_at, now
    await session.flush()
    return sub


async def due_subscriptions(
    session: AsyncSession, *, now: datetime, limit: int = 200
) -> list[DigestSubscription]:
    stmt = (
        select(DigestSubscription)
        .where(DigestSubscription.next_due_at <= now)
        .order_by(DigestSubscription.next_due_at, DigestSubscription.person_id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def claim(
    session: AsyncSession,
    person_id: int,
    *,
    due_at: datetime,
    following: datetime | None,
    now: datetime,
) -> bool:
    """Move the subscription from `due_at` to `following`; False when another run
    claimed it first."""
    moved = await session.scalars(
        update(DigestSubscription)
        .where(DigestSubscription.person_id == person_id, DigestSubscription.next_due_at == due_at)
        .values(next_due_at=following, last_sent_at=now, updated_at=now)
        .returning(DigestSubscription.person_id)
        .execution_options(synchronize_session=False)
    )
    return moved.first() is not None
