"""Who is asking, loaded once per request: the person, their role, and the partner."""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from bot.core import Request
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory

K = TypeVar("K")
V = TypeVar("V")


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


class _TtlMap(Generic[K, V]):
    """A bounded map whose entries expire at most `ttl` seconds after they were put:
    each one after a random part of `jitter` is taken off `ttl`, so entries put in
    one busy moment do not all expire, and go back to the database, in another."""

    def __init__(
        self,
        *,
        ttl: float,
        jitter: float,
        maxsize: int,
        clock: Callable[[], float],
        rng: Callable[[], float],
    ) -> None:
        self._ttl, self._jitter, self._maxsize = ttl, jitter, maxsize
        self._clock, self._rng = clock, rng
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < self._clock():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        lifetime = self._ttl * (1.0 - self._jitter * self._rng())
        self._entries[key] = (self._clock() + lifetime, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True)
class _ChannelPartner:
    partner_id: int | None
    partner_name: str | None


class CallerCache:
    """People and channels loaded in the last `ttl` seconds, so repeated requests
    answer without a database round trip.

    People and channels are cached apart (a person speaks in many channels). A request
    that would change the database (a first contact; a rep the bot must place in the
    channel's partner) always goes to the database. Anything that changes roles,
    partners or channel links through this process calls `clear()` (see
    `Deps.forget_callers`); such a change made by another replica or the CLI shows
    here within `ttl` seconds.
    """

    def __init__(
        self,
        *,
        ttl: float = 30.0,
        jitter: float = 0.5,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._people: _TtlMap[tuple[object, ...], Caller] = _TtlMap(
            ttl=ttl, jitter=jitter, maxsize=maxsize, clock=clock, rng=rng
        )
        self._channels: _TtlMap[tuple[str, str], _ChannelPartner] = _TtlMap(
            ttl=ttl, jitter=jitter, maxsize=maxsize, clock=clock, rng=rng
        )

    @staticmethod
    def _person_key(request: Request) -> tuple[object, ...]:
        actor, place = request.actor, request.place
        dm_channel = place.channel_id if place.kind == "dm" else ""
        return (actor.platform, actor.user_id, actor.name, actor.is_external, dm_channel)

    def lookup(self, request: Request) -> Caller | None:
        """The caller behind `request` from the cache, or None to load it."""
        person = self._people.get(self._person_key(request))
        if person is None:
            return None
        place = request.place
        channel = _ChannelPartner(None, None)
        if place.kind != "dm":
            cached = self._channels.get((place.platform, place.channel_id))
            if cached is None:
                return None
            channel = cached
        if person.partner_id is None and channel.partner_id is not None and not person.is_staff:
            return None  # the bot places this rep in the channel's partner: a write
        return replace(
            person,
            channel_partner_id=channel.partner_id,
            channel_partner_name=channel.partner_name,
        )

    def remember(self, request: Request, caller: Caller) -> None:
        person = replace(caller, channel_partner_id=None, channel_partner_name=None)
        self._people.put(self._person_key(request), person)
        place = request.place
        if place.kind != "dm":
            channel = _ChannelPartner(caller.channel_partner_id, caller.channel_partner_name)
            self._channels.put((place.platform, place.channel_id), channel)

    def clear(self) -> None:
        self._people.clear()
        self._channels.clear()


def is_staff_role(role: str) -> bool:
    return role in people_store.STAFF_ROLES


async def load_caller(
    sessions: SessionFactory, request: Request, *, cache: CallerCache | None = None
) -> Caller:
    """Load (and, the first time, record) the person behind `request`.

    A non-staff person who speaks in a channel linked to a partner becomes a member of
    that partner if they belong to none yet. Writes only when something changed.
    With `cache`, a caller loaded recently for the same person and place is reused.
    """
    caller = cache.lookup(request) if cache is not None else None
    if caller is None:
        caller = await _load_caller(sessions, request)
        if cache is not None:
            cache.remember(request, caller)
    return caller


async def _load_caller(sessions: SessionFactory, request: Request) -> Caller:
    actor, place = request.actor, request.place
    async with sessions() as session, session.begin():
        person = await people_store.upsert_person(
            session,
            actor.platform,
            actor.user_id,
            name=actor.name or None,
            is_external=actor.is_external,
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
            name=person.name or actor.name or actor.user_id,
            is_external=person.is_external,
            partner_id=person.partner_id,
            partner_name=partner_name,
            channel_partner_id=channel.partner_id if channel else None,
            channel_partner_name=channel.partner.name if channel else None,
        )
