"""Operator use cases (command line, local shell user), on both database backends."""

from __future__ import annotations

import pytest

from bot.core import Actor, Place, Request
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from handlers.admin import operators
from handlers.deps import Deps
from handlers.router import dispatch


async def test_add_partner_with_a_manager_who_becomes_staff(deps: Deps) -> None:
    summary, created = await operators.add_partner(
        deps, "  Acme   Corp ", tier="gold", timezone="Asia/Tokyo", manager="teams:29:m"
    )
    assert created
    assert (summary.name, summary.tier, summary.timezone) == ("Acme Corp", "gold", "Asia/Tokyo")
    assert summary.manager == "teams:29:m"
    again, created = await operators.add_partner(deps, "acme corp", region="APAC")
    assert not created
    assert (again.id, again.tier, again.region) == (summary.id, "gold", "APAC")
    # the manager may now run staff commands in Teams
    request = Request(
        actor=Actor("teams", "29:m"), place=Place("teams", "19:x@thread.tacv2"), text="partners"
    )
    [reply] = await dispatch(request, deps)
    assert "*Acme Corp*" in reply.text


async def test_an_external_person_cannot_be_made_a_manager(deps: Deps) -> None:
    guest = Request(
        actor=Actor("slack", "U-G", is_external=True), place=Place("slack", "C1"), text="help"
    )
    await dispatch(guest, deps)
    with pytest.raises(NotAllowed):
        await operators.add_manager_by_operator(deps, "slack", "U-G")
    with pytest.raises(NotAllowed):
        await operators.add_partner(deps, "Acme", manager="slack:U-G")
    assert await operators.list_partner_summaries(deps) == []


async def test_link_needs_an_existing_partner(deps: Deps) -> None:
    with pytest.raises(NotFound):
        await operators.link_partner_channel(deps, "Nobody", platform="slack", channel_id="C1")
    with pytest.raises(InvalidInput):
        await operators.link_partner_channel(deps, "Nobody", platform="irc", channel_id="C1")
    await operators.add_partner(deps, "Acme")
    linked = await operators.link_partner_channel(deps, "Acme", platform="slack", channel_id="C1")
    assert linked.channels == ("slack:C1",)


async def test_a_channel_moves_when_linked_to_another_partner(deps: Deps) -> None:
    await operators.add_partner(deps, "Acme")
    await operators.add_partner(deps, "Globex")
    await operators.link_partner_channel(deps, "Acme", platform="slack", channel_id="C1")
    await operators.link_partner_channel(deps, "Globex", platform="slack", channel_id="C1")
    listed = {p.name: p.channels for p in await operators.list_partner_summaries(deps)}
    assert listed == {"Acme": (), "Globex": ("slack:C1",)}


@pytest.mark.parametrize("key", ["U1", "irc:U1", "slack:", ":U1"])
def test_person_keys_are_platform_and_user_id(key: str) -> None:
    with pytest.raises(InvalidInput):
        operators.parse_person_key(key)
    assert operators.parse_person_key("slack:U1") == ("slack", "U1")


async def test_the_local_user_switches_between_manager_and_partner_rep(deps: Deps) -> None:
    common = {"platform": "shell", "user_id": "you", "name": "You", "channel_id": "shell-acme"}
    assert (
        await operators.set_up_local_user(deps, role="manager", partner_name=None, **common) is None
    )
    assert (
        await operators.set_up_local_user(deps, role="partner", partner_name="acme", **common)
        == "acme"
    )
    request = Request(actor=Actor("shell", "you"), place=Place("shell", "shell-acme"), text="help")
    [reply] = await dispatch(request, deps)
    assert "/register-deal" in reply.text
    assert "This channel belongs to partner *acme*." in reply.text
