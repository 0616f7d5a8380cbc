"""Loading the caller: first contact records the person once, even when requests race."""

from __future__ import annotations

import asyncio

from bot.core import Actor, Place, Request
from handlers.context import load_caller
from handlers.deps import Deps
from storage import people


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
