"""Taking roles and links away: a channel manager removed, a channel unlinked.

Each change is audited and takes effect on the next request anywhere, because the
caller is read from the database for every request (handlers.caller).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput, NotFound
from handlers.deps import Deps
from storage import audit
from storage import partners as partner_store
from storage import people as people_store

#: The role a person keeps once no longer staff (what everyone starts with).
PLAIN_ROLE = "partner_rep"


@dataclass(frozen=True)
class Removal:
    """A removed manager and the partners that no longer have a manager."""

    platform: str
    user_id: str
    name: str
    previous_role: str
    released: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "user_id": self.user_id,
            "name": self.name,
            "previous_role": self.previous_role,
            "released_partners": list(self.released),
        }


async def remove_manager(
    session: AsyncSession, platform: str, user_id: str, *, actor: str, deps: Deps
) -> Removal:
    """Take the manager (or admin) role away from a person.

    The partners they owned are left without a manager (their digests and approval
    cards stop); an admin assigns a new one with `partners add NAME --manager`.

    Raises:
        NotFound: no such person, or they are not staff.
    """
    person = await people_store.get_person(session, platform, user_id)
    if person is None or person.role not in people_store.STAFF_ROLES:
        raise NotFound("channel manager", f"{platform}:{user_id}")
    previous, person.role = person.role, PLAIN_ROLE
    released = await partner_store.release_partners(session, person.id)
    await session.flush()
    await audit.add_audit(
        session,
        actor=actor,
        action="person.remove_manager",
        subject=f"{platform}:{user_id}",
        detail={"previous_role": previous, "released_partners": released},
        at=deps.clock(),
    )
    return Removal(platform, user_id, person.name, previous, tuple(released))


async def unlink(
    session: AsyncSession,
    partner_name: str,
    *,
    platform: str,
    channel_id: str,
    actor: str,
    deps: Deps,
) -> partner_store.Partner:
    """Unlink a channel from a partner: its people are no longer placed in it.

    Raises:
        NotFound: no such partner.
        InvalidInput: the channel is not linked to that partner.
    """
    partner = await partner_store.get_partner_by_name(session, partner_name)
    if partner is None:
        raise NotFound("partner", partner_name)
    if not await partner_store.unlink_channel(
        session, partner, platform=platform, channel_id=channel_id
    ):
        raise InvalidInput({"channel": f"{platform}:{channel_id} is not linked to {partner.name}"})
    await audit.add_audit(
        session,
        actor=actor,
        action="partner.unlink",
        subject=f"partner:{partner.id}",
        detail={"platform": platform, "channel": channel_id},
        at=deps.clock(),
    )
    return partner


async def list_staff(deps: Deps) -> list[people_store.Person]:
    """Every channel manager and admin, admins first."""
    async with deps.sessions() as session:
        admins = await people_store.list_people(session, role="admin")
        managers = await people_store.list_people(session, role="manager")
    return [*admins, *managers]
