"""Registration by conversation in a Teams channel's reply chain (through CloudAdapter on
/api/messages): the bot asks for the missing fields in the chain, a bad value gets the
form's message, the summary card's Register registers once, and Edit sends the form
card prefilled."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.scenarios.teams.fakes import ALICE, BOB, CHANNEL_ID, Sent, TeamsDriver


@pytest.fixture
async def world(deps: Deps) -> None:
    """Acme's Teams channel (rep BOB), owned by manager ALICE."""
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        partner = await partner_store.add_partner(session, "Acme", manager_id=alice.id)
        await partner_store.link_channel(session, partner, platform="teams", channel_id=CHANNEL_ID)
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=partner.id
        )


async def _say(teams: TeamsDriver, text: str, *, thread: str) -> list[Sent]:
    teams.mark()
    await teams.channel(text, thread=thread, user=BOB)
    return teams.since()


async def _deals(deps: Deps) -> list[deal_store.Deal]:
    async with deps.sessions() as session:
        return await deal_store.get_deals(session, [1, 2])


def _thread_of(sent: Sent) -> str:
    channel, _, root = sent.conversation_id.partition(";messageid=")
    assert channel == CHANNEL_ID and root
    return root


async def test_the_reply_chain_asks_for_each_field_then_registers_on_register(
    teams: TeamsDriver, world: None, deps: Deps
) -> None:
    teams.mark()
    await teams.channel("I'd like to register a deal for Contoso, contoso.com", user=BOB)
    [asked] = await teams.wait_for(1)
    thread = _thread_of(asked)
    assert "Estimated value and currency?" in asked.shown

    [bad] = await _say(teams, "-5", thread=thread)
    assert "Estimated value and currency?" in bad.shown and "✗" in bad.shown
    [asked] = await _say(teams, "75k EUR", thread=thread)
    assert "Expected close date?" in asked.shown
    [asked] = await _say(teams, "2027-01-15", thread=thread)
    assert "Products?" in asked.shown
    [summary] = await _say(teams, "Platform", thread=thread)
    for expected in ("Contoso", "contoso.com", "75000 EUR", "2027-01-15", "Platform"):
        assert expected in summary.shown
    assert [b["title"] for b in summary.buttons] == ["Register", "Edit"]
    assert await _deals(deps) == []

    teams.mark()
    await teams.click(summary, "Register", user=BOB)
    shown = "\n".join(s.shown for s in await teams.wait_for(1))
    assert "DR-000001" in shown
    [deal] = await _deals(deps)
    assert (deal.company, deal.value_cents, deal.currency) == ("Contoso", 7_500_000, "EUR")


async def test_edit_sends_the_form_card_prefilled(
    teams: TeamsDriver, world: None, deps: Deps
) -> None:
    teams.mark()
    await teams.channel("register Contoso, contoso.com, 75k EUR, closing in Q2", user=BOB)
    [asked] = await teams.wait_for(1)
    [summary] = await _say(teams, "Platform", thread=_thread_of(asked))
    teams.mark()
    await teams.click(summary, "Edit", user=BOB)
    [form] = await teams.wait_for(1)
    inputs: dict[str, Any] = {e["id"]: e for e in form.require_card()["body"] if "id" in e}
    assert inputs["company"]["value"] == "Contoso"
    assert inputs["domain"]["value"] == "contoso.com"
    assert inputs["value"]["value"] == "75000 EUR"
    assert inputs["close_date"]["value"] == "2027-06-30"
