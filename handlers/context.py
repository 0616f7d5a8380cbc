"""Who is asking, loaded once per request: the person, their role, and the partner."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from bot.core import Request
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory

logger = logging.getLogger(__name__)

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
    """A bounded map whose entries are fresh for at most `ttl` seconds after they
    were put, then stale until `max_stale` seconds, then gone.

    Each entry's freshness loses a random part (up to `jitter`) of `ttl`, so entries
    put in one busy moment do not all turn stale together in another.
    """

    def __init__(
        self,
        *,
        ttl: float,
        jitter: float,
        max_stale: float,
        maxsize: int,
        clock: Callable[[], float],
        rng: Callable[[], float],
    ) -> None:
        self._ttl, self._jitter, self._max_stale, self._maxsize = ttl, jitter, max_stale, maxsize
        self._clock, self._rng = clock, rng
        self._entries: OrderedDict[K, tuple[float, float, V]] = OrderedDict()

    def get(self, key: K) -> tuple[V, bool] | None:
        """(value, still fresh), or None when there is none or it is too old."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if entry[1] < now:
            del self._entries[key]
            return None
        return entry[2], now <= entry[0]

    def is_stale(self, key: K) -> bool:
        found = self.get(key)
        return found is not None and not found[1]

    def put(self, key: K, value: V) -> None:
        now = self._clock()
        fresh = self._ttl * (1.0 - self._jitter * self._rng())
        self._entries[key] = (now + fresh, now + self._max_stale, value)
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
    """People and channels loaded recently, so repeated requests answer without a
    database round trip.

    People and channels are cached apart (a person speaks in many channels). An
    entry is fresh for `ttl` seconds; after that it is still used, but the first
    request that finds it stale reloads it in the background (one reload at a time
    for a stale person or channel), so under load nobody waits for a reload. An entry not
    reloaded within `max_stale` seconds is dropped and loaded while the request waits.

    A request that would change the database (a first contact; a rep the bot must
    place in the channel's partner) always goes to the database. Anything that
    changes roles, partners or channel links through this process calls `clear()`
    (see `Deps.forget_callers`); a reload started before that is then not kept.
    Such a change made by another replica or the CLI shows here after at most about
    `ttl` seconds.
    """

    def __init__(
        self,
        *,
        ttl: float = 30.0,
        jitter: float = 0.5,
        max_stale: float = 300.0,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        new_map = functools.partial(
            _TtlMap,
            ttl=ttl,
            jitter=jitter,
            max_stale=max_stale,
            maxsize=maxsize,
            clock=clock,
            rng=rng,
        )
        self._people: _TtlMap[tuple[object, ...], Caller] = new_map()
        self._channels: _TtlMap[tuple[str, str], _ChannelPartner] = new_map()
        #: ("person" | "channel", key) being reloaded -> the reload
        self._reloading: dict[tuple[str, tuple[object, ...]], asyncio.Task[None]] = {}
        self._generation = 0

    @staticmethod
    def _person_key(request: Request) -> tuple[object, ...]:
        actor, place = request.actor, request.place
        dm_channel = place.channel_id if place.kind == "dm" else ""
        return (actor.platform, actor.user_id, actor.name, actor.is_external, dm_channel)

    def lookup(self, request: Request) -> tuple[Caller, bool] | None:
        """(the caller behind `request`, still fresh) from the cache, or None to load it."""
        found = self._people.get(self._person_key(request))
        if found is None:
            return None
        person, fresh = found
        place = request.place
        channel = _ChannelPartner(None, None)
        if place.kind != "dm":
            cached = self._channels.get((place.platform, place.channel_id))
            if cached is None:
                return None
            channel, channel_fresh = cached
            fresh = fresh and channel_fresh
        if person.partner_id is None and channel.partner_id is not None and not person.is_staff:
            return None  # the bot places this rep in the channel's partner: a write
        caller = replace(
            person,
            channel_partner_id=channel.partner_id,
            channel_partner_name=channel.partner_name,
        )
        return caller, fresh

    def remember(self, request: Request, caller: Caller) -> None:
        person = replace(caller, channel_partner_id=None, channel_partner_name=None)
        self._people.put(self._person_key(request), person)
        place = request.place
        if place.kind != "dm":
            channel = _ChannelPartner(caller.channel_partner_id, caller.channel_partner_name)
            self._channels.put((place.platform, place.channel_id), channel)

    def reload_later(self, request: Request, load: Callable[[], Awaitable[Caller]]) -> None:
        """Reload the caller behind `request` in the background: the person, the
        channel or both, whichever is stale and not being reloaded already (many
        people speak in one channel, and one person in many channels)."""
        place = request.place
        person_key = self._person_key(request)
        parts: list[tuple[str, tuple[object, ...]]] = []
        if self._people.is_stale(person_key):
            parts.append(("person", person_key))
        if place.kind != "dm" and self._channels.is_stale((place.platform, place.channel_id)):
            parts.append(("channel", (place.platform, place.channel_id)))
        parts = [part for part in parts if part not in self._reloading]
        if not parts:
            return
        reload = self._reload(request, load, self._generation)
        task = asyncio.get_running_loop().create_task(reload)
        for part in parts:
            self._reloading[part] = task
        task.add_done_callback(lambda _: self._forget_reloads(parts))

    def _forget_reloads(self, parts: list[tuple[str, tuple[object, ...]]]) -> None:
        for part in parts:
            self._reloading.pop(part, None)

    async def _reload(
        self, request: Request, load: Callable[[], Awaitable[Caller]], generation: int
    ) -> None:
        try:
            caller = await load()
        except Exception:  # boundary: the stale entry stays until max_stale
            logger.warning("reloading a cached caller failed", exc_info=True)
            return
        if generation == self._generation:  # nothing was changed meanwhile
            self.remember(request, caller)

    async def idle(self) -> None:
        """Wait for background reloads (at shutdown, before the engine closes)."""
        await asyncio.gather(*set(self._reloading.values()), return_exceptions=True)

    def clear(self) -> None:
        self._generation += 1
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
    caller = cached_caller(sessions, request, cache) if cache is not None else None
    if caller is None:
        caller = await _load_caller(sessions, request)
        if cache is not None:
            cache.remember(request, caller)
    return caller


def cached_caller(sessions: SessionFactory, request: Request, cache: CallerCache) -> Caller | None:
    """The caller behind `request` from `cache`, without waiting (None: not cached).
    A stale entry is returned too, and reloaded in the background."""
    found = cache.lookup(request)
    if found is None:
        return None
    caller, fresh = found
    if not fresh:
        cache.reload_later(request, lambda: _load_caller(sessions, request))
    return caller


async def _load_caller(sessions: SessionFactory, request: Request) -> Caller:
    """One read when the person is known and nothing about them changes (the common
    case); otherwise the person is recorded or updated."""
    actor, place = request.actor, request.place
    channel_id = place.channel_id if place.kind != "dm" else None
    async with sessions() as session:
        known = await people_store.read_person_in_place(
            session, actor.platform, actor.user_id, channel_id=channel_id
        )
    if known is None or _must_record(known, request):
        return await _record_caller(sessions, request)
    return Caller(
        person_id=known.id,
        role=known.role,
        name=known.name or actor.name or actor.user_id,
        is_external=known.is_external,
        partner_id=known.partner_id,
        partner_name=known.partner_name if known.partner_id is not None else None,
        channel_partner_id=known.channel_partner_id,
        channel_partner_name=known.channel_partner_name,
    )


def _must_record(known: people_store.PersonInPlace, request: Request) -> bool:
    """Whether `_record_caller` would change the person's row."""
    actor, place = request.actor, request.place
    return (
        (bool(actor.name) and actor.name != known.name)
        or actor.is_external != known.is_external
        or (place.kind == "dm" and known.dm_channel_id != place.channel_id)
        or (known.is_external and known.role in people_store.STAFF_ROLES)
        # a rep speaking in a partner's channel joins that partner
        or (
            known.partner_id is None and known.channel_partner_id is not None and not known.is_staff
        )
    )


async def _record_caller(sessions: SessionFactory, request: Request) -> Caller:
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
