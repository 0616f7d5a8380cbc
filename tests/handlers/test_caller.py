"""Loading the caller: first contact records the person once, even when requests race;
recently loaded callers are served from a cache that reloads them in the background."""

from __future__ import annotations

import asyncio

from bot.core import Actor, Place, Request
from handlers.caller import load_caller
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
