"""Register a deal through the card in Microsoft 365 Agents Playground (a real Teams
client emulator): the form card arrives, its submit is fixed after a field error, and
the confirmation with the DR id appears. Skips (or fails in CI) as test_playground.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.scenarios.teams import playground_driver
from tests.scenarios.teams.test_playground import (  # noqa: F401  (fixtures)
    MANAGER,
    bot_endpoint,
    playground_available,
)

pytestmark = pytest.mark.playground
VALUES = {"products": "Platform", "stage": "qualified", "contact": "", "notes": ""}


async def _card(playground: playground_driver.Playground, conversation: str) -> Any:
    """The next registration form card the bot posts in `conversation` (bounded wait)."""
    deadline = asyncio.get_running_loop().time() + 20
    while asyncio.get_running_loop().time() < deadline:
        for event in playground.events[playground._mark :]:
            cards = json.dumps(event.message.get("attachments") or [])
            if event.conversation_id == conversation and "deal-register" in cards:
                return event
        await asyncio.sleep(0.05)
    raise AssertionError("no registration card arrived")


async def _submit(
    playground: playground_driver.Playground, conversation: str, card: Any, inputs: dict[str, str]
) -> None:
    """What the Playground's own UI posts for an Action.Submit (PLAYGROUND.md)."""
    content = next(a["content"] for a in card.message["attachments"])
    data = dict(content["actions"][0]["data"])
    values = {e["id"]: e.get("value", "") for e in content["body"] if "id" in e}
    body = {
        "conversation": {"id": conversation},
        "replyToId": card.message["messageId"],
        "value": {**data, **values, **inputs},
        "from": {"id": playground.user_id},
    }
    await playground._json("POST", "/_conversation/v1/submit", body)


async def test_register_a_deal_through_the_card(
    playground_available: None,  # noqa: F811
    bot_endpoint: str,  # noqa: F811
    deps: Deps,
    tmp_path: Path,
) -> None:
    async with deps.sessions() as session, session.begin():
        acme = await partner_store.add_partner(session, "Acme")
        await people_store.upsert_person(
            session, "teams", MANAGER.id, name="Pat Partner", partner_id=acme.id
        )
    async with playground_driver.run_playground(bot_endpoint, tmp_path) as playground:
        chat = playground.personal_chat
        await playground.install(chat)
        playground.mark()
        await playground.say(chat, "register-deal Acme Corp acme.com 50k USD close 2027-03-31")
        card = await _card(playground, chat)

        playground.mark()
        await _submit(playground, chat, card, {**VALUES, "close_date": "2020-01-01"})
        again = await _card(playground, chat)
        assert "must be in the future" in again.text

        playground.mark()
        await _submit(playground, chat, again, {**VALUES, "close_date": "2027-03-31"})
        done = await playground.wait_for(conversation=chat, contains="DR-000001")
        assert "Acme Corp" in done.text
    async with deps.sessions() as session:
        [deal] = await deal_store.list_deals(session)
    assert (deal.company, deal.domain, deal.status) == ("Acme Corp", "acme.com", "pending")
