"""Loading the caller: first contact records the person once, even when requests race;
recently loaded callers are served from a cache that reloads them in the background."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.core import Actor, Place, Request
from handlers.admin.chat import add_manager
from handlers.caller import Caller, load_caller
from handlers.caller_cache import CallerCache
from handlers.deps import Deps
from storage import partners, people


async def test_simultaneous_first_requests_record_one_person(deps: Deps) -> None:
    request = Request(
        actor=Actor(platform="slack", user_id="U-new", name="Nia"),
        place=Place(platform="slack", channel_id="C1"),
        text="help",
    )
    callers = await asyncio.gather(*(load_caller(deps.sessions, request) for _ in range(5)))

    async with deps.sessions() as session:
        rows = await people.list_people(session)
    assert len({caller.person_id for caller in callers}) == 1
    assert [(row.user_id, row.name, row.role) for row in rows] == [("U-new", "Nia", "partner_rep")]


async def test_an_external_person_is_recorded_as_external_and_never_staff(deps: Deps) -> None:
    request = Request(
        actor=Actor(platform="slack", user_id="U-guest", is_external=True),
        place=Place(platform="slack", channel_id="C1"),
    )
    caller = await load_caller(deps.sessions, request)
    assert (caller.is_external, caller.is_staff) == (True, False)


def _request(user_id: str, channel_id: str = "C1", text: str = "help") -> Request:
    return Request(
        actor=Actor(platform="slack", user_id=user_id),
        place=Place(platform="slack", channel_id=channel_id),
        text=text,
    )


def test_cached_callers_expire_after_their_ttl() -> None:
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0, clock=lambda: now[0])
    caller = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)
    cache.remember(_request("U1"), caller)
    now[0] = 29.0
    assert cache.lookup(_request("U1")) == (caller, True)
    now[0] = 31.0
    assert cache.lookup(_request("U1")) == (caller, False)  # stale: served while it reloads
    now[0] = 301.0
    assert cache.lookup(_request("U1")) is None


def test_callers_cached_together_expire_spread_out() -> None:
    """People first seen in one busy minute do not all go back to the database in
    one later second."""
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0.5, clock=lambda: now[0], rng=random.Random(7).random)
    caller = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)
    people = [_request(f"U{i}", "C1") for i in range(200)]
    for request in people:
        cache.remember(request, caller)

    def still_cached(at: float) -> int:
        now[0] = at
        return sum((cache.lookup(request) or (None, False))[1] for request in people)

    assert still_cached(14.9) == 200
    assert 40 < still_cached(22.5) < 160
    assert still_cached(30.1) == 0


def test_people_and_channels_are_cached_apart() -> None:
    cache = CallerCache()
    rep = Caller(
        person_id=1,
        role="partner_rep",
        name="Nia",
        is_external=False,
        partner_id=7,
        partner_name="Acme",
        channel_partner_id=7,
        channel_partner_name="Acme",
    )
    other = Caller(person_id=2, role="manager", name="Max", is_external=False)
    cache.remember(_request("U1", "C-acme"), rep)
    cache.remember(_request("U2", "C-general"), other)

    [seen, _fresh] = cache.lookup(_request("U2", "C-acme")) or (None, False)
    assert seen is not None and (seen.person_id, seen.channel_partner_name) == (2, "Acme")
    assert cache.lookup(_request("U1", "C-unknown")) is None


def test_a_rep_to_be_placed_in_the_channels_partner_is_not_served_from_cache() -> None:
    cache = CallerCache()
    acme = Caller(
        person_id=9,
        role="manager",
        name="Max",
        is_external=False,
        channel_partner_id=7,
        channel_partner_name="Acme",
    )
    newcomer = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)
    cache.remember(_request("U9", "C-acme"), acme)
    cache.remember(_request("U1", "C-general"), newcomer)
    assert cache.lookup(_request("U1", "C-acme")) is None


def test_the_cache_keeps_at_most_maxsize_people() -> None:
    cache = CallerCache(maxsize=2)
    caller = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)
    for n in range(3):
        cache.remember(_request(f"U{n}"), caller)
    assert [cache.lookup(_request(f"U{n}")) is not None for n in range(3)] == [
        False,
        True,
        True,
    ]


async def test_a_cached_caller_is_reused_until_this_process_changes_roles(deps: Deps) -> None:
    cached = replace(deps, callers=CallerCache())
    rep = await load_caller(cached.sessions, _request("U-rep"), cache=cached.callers)
    async with deps.sessions() as session, session.begin():
        await people.upsert_person(session, "slack", "U-rep", role="manager")
    # Changed behind the process's back (another replica): still the cached rep ...
    assert (await dispatch_caller(cached, "U-rep")).role == "partner_rep"
    # ... until a change made through this process forgets the cached callers.
    async with cached.sessions() as session, session.begin():
        await add_manager(session, "slack", "U-other", actor="cli", deps=cached)
    assert rep.role == "partner_rep"
    assert (await dispatch_caller(cached, "U-rep")).role == "manager"


async def dispatch_caller(deps: Deps, user_id: str) -> Caller:
    return await load_caller(deps.sessions, _request(user_id), cache=deps.callers)


async def test_a_stale_caller_is_served_at_once_and_reloaded_in_the_background(
    deps: Deps,
) -> None:
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0, max_stale=300, clock=lambda: now[0])
    request = _request("U-rep")
    await load_caller(deps.sessions, request, cache=cache)
    async with deps.sessions() as session, session.begin():  # another replica's change
        await people.upsert_person(session, "slack", "U-rep", role="manager")

    now[0] = 31.0
    stale = await load_caller(deps.sessions, request, cache=cache)
    assert stale.role == "partner_rep"  # no waiting for the database ...
    await load_caller(deps.sessions, request, cache=cache)  # (one reload at a time)
    await cache.idle()
    fresh = await load_caller(deps.sessions, request, cache=cache)
    assert fresh.role == "manager"  # ... and the next request sees the change
    assert cache.lookup(request) == (fresh, True)


async def test_a_reload_that_overlaps_a_change_made_here_is_not_kept(deps: Deps) -> None:
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0, clock=lambda: now[0])
    request = _request("U-rep")
    await load_caller(deps.sessions, request, cache=cache)
    release = asyncio.Event()
    rep = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)

    async def slow_load() -> Caller:
        await release.wait()
        return rep  # read before the change below

    now[0] = 31.0
    cache.reload_later(request, slow_load)
    cache.clear()  # e.g. a role change made through this process
    release.set()
    await cache.idle()
    assert cache.lookup(request) is None


async def test_a_failed_reload_keeps_the_stale_caller(deps: Deps) -> None:
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0, clock=lambda: now[0])
    request = _request("U-rep")
    caller = await load_caller(deps.sessions, request, cache=cache)

    async def failing_load() -> Caller:
        raise ConnectionError("database is down")

    now[0] = 31.0
    cache.reload_later(request, failing_load)
    await cache.idle()
    assert cache.lookup(request) == (caller, False)


async def test_a_known_person_is_read_and_changes_are_still_recorded(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        await partners.link_channel(session, acme, platform="slack", channel_id="C-acme")
    first = await load_caller(deps.sessions, _request("U-nia", "C-general"))
    assert (first.partner_id, first.channel_partner_id) == (None, None)

    renamed = Request(
        actor=Actor(platform="slack", user_id="U-nia", name="Nia Obi"),
        place=Place(platform="slack", channel_id="C-general"),
    )
    assert (await load_caller(deps.sessions, renamed)).name == "Nia Obi"
    in_acme = await load_caller(deps.sessions, _request("U-nia", "C-acme"))
    assert (in_acme.partner_name, in_acme.channel_partner_name) == ("Acme", "Acme")
    again = await load_caller(deps.sessions, _request("U-nia", "C-general"))
    assert (again.name, again.partner_name, again.channel_partner_id) == ("Nia Obi", "Acme", None)
    async with deps.sessions() as session:
        [row] = await people.list_people(session)
    assert (row.name, row.partner_id) == ("Nia Obi", acme.id)


async def test_a_stale_channel_is_reloaded_once_for_everyone_speaking_in_it() -> None:
    now = [0.0]
    cache = CallerCache(ttl=30, jitter=0, clock=lambda: now[0])
    caller = Caller(person_id=1, role="partner_rep", name="Nia", is_external=False)
    cache.remember(_request("U1", "C-busy"), caller)
    now[0] = 20.0
    for user in ("U2", "U3", "U4"):
        cache.remember(_request(user, "C-other"), caller)  # fresh people
    loads: list[str] = []
    release = asyncio.Event()

    def load_for(user: str) -> Callable[[], Awaitable[Caller]]:
        async def load() -> Caller:
            loads.append(user)
            await release.wait()
            return caller

        return load

    now[0] = 31.0  # C-busy (and U1) are stale, U2..U4 are not
    for user in ("U1", "U2", "U3", "U4", "U1"):
        cache.reload_later(_request(user, "C-busy"), load_for(user))
    release.set()
    await cache.idle()
    assert loads == ["U1"]
    assert cache.lookup(_request("U3", "C-busy")) == (caller, True)
