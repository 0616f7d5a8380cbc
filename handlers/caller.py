"""Who is asking, loaded once per request: the person, their role, and the partner."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import Request
from handlers.fields import display_name
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from storage.people_reads import PersonReader


@dataclass(frozen=True)
class Caller:
    """The asker as the database knows them.

    Attributes:
        person_id: row id in `people`.
        role: partner_rep, partner_admin, manager or admin.
        partner_id / partner_name: the partner the person belongs to, if any.
        channel_partner_id / channel_partner_name: the partner linked to the channel
            the request came from, if any.
    """

    person_id: int
    role: str
    name: str
    is_external: bool
    partner_id: int | None = None
    partner_name: str | None = None
    channel_partner_id: int | None = None
    channel_partner_name: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in people_store.STAFF_ROLES and not self.is_external

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and not self.is_external

    @property
    def acting_partner_id(self) -> int | None:
        """The partner a partner-side request acts for: the person's own partner,
        or the channel's partner for a rep the bot has not placed yet."""
        return self.partner_id if self.partner_id is not None else self.channel_partner_id


async def load_caller(
    sessions: SessionFactory, request: Request, *, reader: PersonReader | None = None
) -> Caller:
    """Load (and, the first time, record) the person behind `request`.

    Read fresh on every request (one query when the person is known and nothing about
    them changes), so a role or link changed anywhere (CLI, another replica) applies
    to the next request. A non-staff person who speaks in a channel linked to a
    partner becomes a member of that partner if they belong to none yet. Writes only
    when something changed. The request never changes a role or makes anyone internal
    (`people.record_seen`); a request that says its sender is external is answered as
    external (no staff rights), whatever the stored row says. `reader` (Deps.people)
    makes the read cheap; without one it goes through a session.
    """
    actor, place = request.actor, request.place
    channel_id = place.channel_id if place.kind != "dm" else None
    if reader is not None:
        known = await reader.person_in_place(actor.platform, actor.user_id, channel_id=channel_id)
    else:
        async with sessions() as session:
            known = await people_store.read_person_in_place(
                session, actor.platform, actor.user_id, channel_id=channel_id
            )
    if known is None or _must_record(known, request):
        return await _record_caller(sessions, request)
    return Caller(
        person_id=known.id,
        role=known.role,
        name=display_name(known.name or actor.name or actor.handle or actor.user_id),
        is_external=known.is_external or actor.is_external,
        partner_id=known.partner_id,
        partner_name=known.partner_name if known.partner_id is not None else None,
        channel_partner_id=known.channel_partner_id,
        channel_partner_name=known.channel_partner_name,
    )


def _must_record(known: people_store.PersonInPlace, request: Request) -> bool:
    """Whether `_record_caller` would change the person's row."""
    actor, place = request.actor, request.place
    return people_store.record_would_change(
        known,
        name=display_name(actor.name) or None,
        seems_external=actor.is_external,
        dm_channel_id=place.channel_id if place.kind == "dm" else None,
    ) or (
        # a rep speaking in a partner's channel joins that partner
        known.partner_id is None and known.channel_partner_id is not None and not known.is_staff
    )


async def _record_caller(sessions: SessionFactory, request: Request) -> Caller:
    actor, place = request.actor, request.place
    async with sessions() as session, session.begin():
        person = await people_store.record_seen(
            session,
            actor.platform,
            actor.user_id,
            name=display_name(actor.name) or None,
            seems_external=actor.is_external,
            dm_channel_id=place.channel_id if place.kind == "dm" else None,
        )
        channel = None
        if place.kind != "dm":
            channel = await partner_store.get_channel(session, place.platform, place.channel_id)
        if channel is not None and person.partner_id is None and not person.is_staff:
            person.partner_id = channel.partner_id
            await session.flush()
        partner_name = None
        if person.partner_id is not None:
            if channel is not None and channel.partner_id == person.partner_id:
                partner_name = channel.partner.name
            else:
                partner = await partner_store.get_partner(session, person.partner_id)
                partner_name = partner.name if partner else None
        return Caller(
            person_id=person.id,
            role=person.role,
            name=display_name(person.name or actor.name or actor.handle or actor.user_id),
            is_external=person.is_external or actor.is_external,
            partner_id=person.partner_id,
            partner_name=partner_name,
            channel_partner_id=channel.partner_id if channel else None,
            channel_partner_name=channel.partner.name if channel else None,
        )
