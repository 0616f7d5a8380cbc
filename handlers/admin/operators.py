"""Administration use cases run by operators: the command line and the local shell user.

They share `handlers.admin`'s rules (an external person is never staff, every change
is audited) and its helpers; chat commands go through `handlers.admin` itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput, NotFound
from handlers import fields
from handlers.admin.chat import add_manager, link_in_session
from handlers.deps import Deps
from storage import audit
from storage import partners as partner_store
from storage import people as people_store

logger = logging.getLogger(__name__)

PLATFORMS = ("slack", "teams", "shell")
CLI_ACTOR = "cli"


@dataclass(frozen=True)
class PartnerSummary:
    """A partner as operators see it; `manager` and `channels` are `platform:id`."""

    id: int
    name: str
    tier: str | None
    region: str | None
    timezone: str
    manager: str | None
    channels: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "region": self.region,
            "timezone": self.timezone,
            "manager": self.manager,
            "channels": list(self.channels),
        }


@dataclass(frozen=True)
class PersonSummary:
    platform: str
    user_id: str
    name: str
    role: str

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "user_id": self.user_id,
            "name": self.name,
            "role": self.role,
        }


def parse_person_key(key: str, *, field: str = "manager") -> tuple[str, str]:
    """`slack:U123` -> ("slack", "U123").

    Raises:
        InvalidInput: not `PLATFORM:USER_ID`, or an unknown platform.
    """
    platform, _, user_id = key.partition(":")
    if platform not in PLATFORMS or not user_id.strip():
        shown = fields.one_line(key)[:80]
        raise InvalidInput({field: f"expected PLATFORM:USER_ID (e.g. slack:U123), got {shown!r}"})
    return platform, fields.user_id(user_id, field=field)


def _check_timezone(timezone: str | None) -> None:
    if timezone is not None:
        fields.time_zone(timezone)


def _person_key(person: people_store.Person | None) -> str | None:
    return f"{person.platform}:{person.user_id}" if person is not None else None


async def _summary(session: AsyncSession, partner_id: int) -> PartnerSummary:
    partner = await partner_store.get_partner(session, partner_id)
    if partner is None:
        raise NotFound("partner", partner_id)
    await session.refresh(partner, attribute_names=["channels"])  # links made in this session
    manager = None
    if partner.manager_id is not None:
        manager = await people_store.get_person_by_id(session, partner.manager_id)
    return PartnerSummary(
        id=partner.id,
        name=partner.name,
        tier=partner.tier,
        region=partner.region,
        timezone=partner.timezone,
        manager=_person_key(manager),
        channels=tuple(f"{c.platform}:{c.channel_id}" for c in partner.channels),
    )


async def add_partner(
    deps: Deps,
    name: str,
    *,
    tier: str | None = None,
    region: str | None = None,
    timezone: str | None = None,
    manager: str | None = None,
    actor: str = CLI_ACTOR,
) -> tuple[PartnerSummary, bool]:
    """Create a partner, or update the given attributes of an existing one.

    `manager` is `PLATFORM:USER_ID`; that person becomes a channel manager if they
    are not staff yet. Returns the partner and whether it was created.

    Raises:
        InvalidInput: empty name, unknown time zone, malformed manager.
        NotAllowed: the manager belongs to an external organisation.
    """
    name = fields.partner_name(name)
    tier, region = fields.tier(tier), fields.region(region)
    _check_timezone(timezone)
    manager_key = parse_person_key(manager) if manager else None
    async with deps.sessions() as session, session.begin():
        manager_id = None
        if manager_key is not None:
            person = await people_store.get_person(session, *manager_key)
            if person is None or not person.is_staff:
                person = await add_manager(session, *manager_key, actor=actor, deps=deps)
            manager_id = person.id
        partner, created = await partner_store.save_partner(
            session,
            name,
            tier=tier,
            region=region,
            timezone=timezone,
            manager_id=manager_id,
            take_over=True,  # an operator's --manager reassigns the partner
        )
        await audit.add_audit(
            session,
            actor=actor,
            action="partner.add" if created else "partner.update",
            subject=f"partner:{partner.id}",
            detail={"tier": tier, "region": region, "timezone": timezone, "manager": manager},
            at=deps.clock(),
        )
        return await _summary(session, partner.id), created


async def link_partner_channel(
    deps: Deps,
    name: str,
    *,
    platform: str,
    channel_id: str,
    team_id: str | None = None,
    actor: str = CLI_ACTOR,
) -> PartnerSummary:
    """Link a Slack channel or Teams conversation to an existing partner.

    Raises:
        NotFound: no partner of that name.
        InvalidInput: unknown platform or empty channel id.
    """
    if platform not in PLATFORMS:
        raise InvalidInput({"platform": f"unknown platform {platform!r}"})
    channel_id = fields.channel_id(channel_id)
    async with deps.sessions() as session, session.begin():
        partner = await partner_store.get_partner_by_name(session, name)
        if partner is None:
            raise NotFound("partner", name)
        await link_in_session(
            session,
            partner,
            platform=platform,
            channel_id=channel_id,
            team_id=team_id,
            actor=actor,
            created=False,
            deps=deps,
        )
        return await _summary(session, partner.id)


async def list_partner_summaries(deps: Deps) -> list[PartnerSummary]:
    """Every partner, by name, with manager and linked channels."""
    async with deps.sessions() as session:
        partners = await partner_store.list_partners(session)
        return [await _summary(session, partner.id) for partner in partners]


async def add_manager_by_operator(
    deps: Deps,
    platform: str,
    user_id: str,
    *,
    name: str | None = None,
    actor: str = CLI_ACTOR,
) -> PersonSummary:
    """Bootstrap a channel manager from the command line (`admin add-manager`).

    Raises:
        NotAllowed: the person belongs to an external organisation.
    """
    if platform not in PLATFORMS:
        raise InvalidInput({"platform": f"unknown platform {platform!r}"})
    user_id, name = fields.user_id(user_id), fields.person_name(name)
    async with deps.sessions() as session, session.begin():
        person = await add_manager(session, platform, user_id, actor=actor, deps=deps, name=name)
        return PersonSummary(person.platform, person.user_id, person.name, person.role)


async def set_up_local_user(
    deps: Deps,
    *,
    platform: str,
    user_id: str,
    name: str,
    role: Literal["manager", "partner"],
    partner_name: str | None,
    channel_id: str,
) -> str | None:
    """Give the local (shell) user the asked-for role, before the first message.

    A manager becomes a channel manager; with a partner name, the channel is linked to
    that partner (created if new). A partner user becomes a rep of `partner_name`,
    whose channel is this one. Returns the partner the channel belongs to, if any.
    """
    actor = f"{platform}:{user_id}"
    partner_name = fields.partner_name(partner_name) if partner_name is not None else None
    async with deps.sessions() as session, session.begin():
        if role == "manager":
            person = await people_store.get_person(session, platform, user_id)
            if person is None or not person.is_staff:
                person = await add_manager(
                    session, platform, user_id, actor=actor, deps=deps, name=name
                )
        else:
            person = await people_store.upsert_person(
                session, platform, user_id, name=name, role="partner_rep"
            )
        if partner_name is None:
            return None
        partner = await partner_store.get_partner_by_name(session, partner_name)
        created = partner is None
        if partner is None:
            partner = await partner_store.add_partner(
                session, partner_name, manager_id=person.id if role == "manager" else None
            )
        channel = await partner_store.get_channel(session, platform, channel_id)
        if channel is None or channel.partner_id != partner.id:
            await link_in_session(
                session,
                partner,
                platform=platform,
                channel_id=channel_id,
                team_id=None,
                actor=actor,
                created=created,
                deps=deps,
            )
        if role == "partner":
            await people_store.upsert_person(session, platform, user_id, partner_id=partner.id)
        return partner.name
