"""Partners and the chat channels linked to them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from storage.base import Base, UTCDateTime, utcnow

#: The width of `partners.name_key`.
NAME_KEY_MAX = 200


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_MAX), unique=True)
    tier: Mapped[str | None] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(50))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    channels: Mapped[list[PartnerChannel]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerChannel.id"
    )


class PartnerChannel(Base):
    __tablename__ = "partner_channels"
    __table_args__ = (UniqueConstraint("platform", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(255))
    team_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="channels")


def name_key(name: str) -> str:
    """The case- and space-insensitive key a partner name is unique by. Case folding
    can triple a name ("ß" -> "ss", "ﬃ" -> "ffi"), so the key is cut to its column:
    two names that agree on that much are one partner."""
    return " ".join(name.split()).casefold()[:NAME_KEY_MAX]


async def get_partner_by_name(session: AsyncSession, name: str) -> Partner | None:
    stmt = (
        select(Partner)
        .where(Partner.name_key == name_key(name))
        .options(selectinload(Partner.channels))
    )
    return (await session.scalars(stmt)).one_or_none()


async def get_partner(session: AsyncSession, partner_id: int) -> Partner | None:
    stmt = select(Partner).where(Partner.id == partner_id).options(selectinload(Partner.channels))
    return (await session.scalars(stmt)).one_or_none()


async def get_partners(session: AsyncSession, partner_ids: Iterable[int]) -> dict[int, Partner]:
    """The partners with these ids (and their channels), in two queries."""
    wanted = set(partner_ids)
    if not wanted:
        return {}
    stmt = select(Partner).where(Partner.id.in_(wanted)).options(selectinload(Partner.channels))
    return {p.id: p for p in (await session.scalars(stmt)).all()}


async def add_partner(
    session: AsyncSession,
    name: str,
    *,
    tier: str | None = None,
    region: str | None = None,
    timezone: str = "UTC",
    manager_id: int | None = None,
) -> Partner:
    partner = Partner(
        name=" ".join(name.split()),
        name_key=name_key(name),
        tier=tier,
        region=region,
        timezone=timezone,
        manager_id=manager_id,
        channels=[],
    )
    session.add(partner)
    await session.flush()
    return partner


async def save_partner(
    session: AsyncSession,
    name: str,
    *,
    tier: str | None = None,
    region: str | None = None,
    timezone: str | None = None,
    manager_id: int | None = None,
    take_over: bool = False,
) -> tuple[Partner, bool]:
    """The partner called `name` (any case or spacing), created with these values, or
    updated with those given (None keeps what it has). An existing partner's manager is
    set when it has none, and replaced only when `take_over`. Returns (partner, created)."""
    partner = await get_partner_by_name(session, name)
    if partner is None:
        partner = await add_partner(
            session,
            name,
            tier=tier,
            region=region,
            timezone=timezone or "UTC",
            manager_id=manager_id,
        )
        return partner, True
    partner.tier = tier or partner.tier
    partner.region = region or partner.region
    partner.timezone = timezone or partner.timezone
    if take_over or partner.manager_id is None:
        partner.manager_id = manager_id or partner.manager_id
    await session.flush()
    return partner, False


async def list_partners(session: AsyncSession, *, manager_id: int | None = None) -> list[Partner]:
    stmt = select(Partner).options(selectinload(Partner.channels)).order_by(Partner.name_key)
    if manager_id is not None:
        stmt = stmt.where(Partner.manager_id == manager_id)
    return list((await session.scalars(stmt)).all())


async def get_channel(
    session: AsyncSession, platform: str, channel_id: str
) -> PartnerChannel | None:
    stmt = (
        select(PartnerChannel)
        .where(PartnerChannel.platform == platform, PartnerChannel.channel_id == channel_id)
        .options(selectinload(PartnerChannel.partner))
    )
    return (await session.scalars(stmt)).one_or_none()


async def link_channel(
    session: AsyncSession,
    partner: Partner,
    *,
    platform: str,
    channel_id: str,
    team_id: str | None = None,
) -> PartnerChannel:
    """Link a channel to `partner`, moving it if it was linked to another partner."""
    channel = await get_channel(session, platform, channel_id)
    if channel is None:
        channel = PartnerChannel(
            partner_id=partner.id, platform=platform, channel_id=channel_id, team_id=team_id
        )
        session.add(channel)
    else:
        channel.partner_id = partner.id
        channel.team_id = team_id or channel.team_id
    await session.flush()
    return channel


async def unlink_channel(
    session: AsyncSession, partner: Partner, *, platform: str, channel_id: str
) -> bool:
    """Unlink a channel from `partner`; False when it was not linked to it."""
    channel = await get_channel(session, platform, channel_id)
    if channel is None or channel.partner_id != partner.id:
        return False
    if channel in partner.channels:
        partner.channels.remove(channel)
    await session.delete(channel)
    await session.flush()
    return True


async def release_partners(session: AsyncSession, manager_id: int) -> list[str]:
    """Remove `manager_id` as manager from every partner they own; their names."""
    stmt = (
        update(Partner)
        .where(Partner.manager_id == manager_id)
        .values(manager_id=None)
        .returning(Partner.name)
    )
    return sorted((await session.scalars(stmt)).all())


async def count_partners(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Partner)) or 0)
