"""Callers loaded recently, kept so repeated requests answer without the database."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.core import Request

if TYPE_CHECKING:
    from handlers.caller import Caller

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")


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
