"""Rows the demo seed writes one by one (storage.checkins batches by partner)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.checkins import Checkin


async def add_checkin(
    session: AsyncSession, partner_id: int, *, local_date: date, posted_at: datetime
) -> int:
    checkin = Checkin(
        partner_id=partner_id, local_date=local_date, due_at=posted_at, posted_at=posted_at
    )
    session.add(checkin)
    await session.flush()
    return checkin.id
