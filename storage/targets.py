"""Quarterly revenue targets per partner (one row per partner and quarter)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class PartnerTarget(Base):
    """A partner's revenue target for one quarter (`2026Q4`), in hundredths of
    `currency`."""

    __tablename__ = "partner_targets"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    quarter: Mapped[str] = mapped_column(String(6), primary_key=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def set_target(
    session: AsyncSession,
    partner_id: int,
    quarter: str,
    *,
    amount_cents: int,
    currency: str,
    now: datetime,
) -> PartnerTarget:
    """Create or replace the partner's target for `quarter`."""
    target = await session.get(PartnerTarget, (partner_id, quarter), with_for_update=True)
    if target is None:
        target = PartnerTarget(partner_id=partner_id, quarter=quarter)
        session.add(target)
    target.amount_cents, target.currency, target.set_at = amount_cents, currency, now
    await session.flush()
    return target


async def get_targets(
    session: AsyncSession, partner_ids: Iterable[int], quarter: str
) -> dict[int, PartnerTarget]:
    wanted = list(set(partner_ids))
    if not wanted:
        return {}
    stmt = select(PartnerTarget).where(
        PartnerTarget.partner_id.in_(wanted), PartnerTarget.quarter == quarter
    )
    return {t.partner_id: t for t in (await session.scalars(stmt)).all()}
