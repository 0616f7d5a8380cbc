"""House accounts: customers the vendor's direct sales team owns (channel conflicts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class HouseAccount(Base):
    __tablename__ = "house_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def get_house_account(session: AsyncSession, domain: str) -> HouseAccount | None:
    """The house account for a normalised domain (unique index), if any."""
    stmt = select(HouseAccount).where(HouseAccount.domain == domain)
    return (await session.scalars(stmt)).one_or_none()


async def upsert_house_accounts(
    session: AsyncSession, rows: Iterable[tuple[str, str, str]], *, now: datetime
) -> tuple[int, int]:
    """Add or update (domain, company, owner) rows. Returns (added, updated)."""
    added = updated = 0
    for domain, company, owner in rows:
        account = await get_house_account(session, domain)
        if account is None:
            session.add(HouseAccount(domain=domain, company=company, owner=owner, created_at=now))
            added += 1
        else:
            account.company = company or account.company
            account.owner = owner or account.owner
            updated += 1
    await session.flush()
    return added, updated


async def list_house_accounts(session: AsyncSession) -> list[HouseAccount]:
    return list((await session.scalars(select(HouseAccount).order_by(HouseAccount.domain))).all())
