"""PartnerBot against Microsoft 365 Agents Playground, a real Teams client emulator:
install -> `help` in the personal chat -> `@PartnerBot partnerbot link Acme` in a team
channel by a manager -> the confirmation appears in the channel thread.

Needs node and `npm ci` (package.json pins the playground). Outside CI a missing
playground skips with the reason; with CI set it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.deps import Deps
from storage import conversations, partners
from tests.scenarios.teams import playground_driver
from tests.scenarios.teams.conftest import (  # noqa: F401  (also importable from here)
    bot_endpoint,
    make_person,
    playground_available,
)
from tests.scenarios.teams.fakes import PLAYGROUND_MANAGER as MANAGER

pytestmark = pytest.mark.playground


async def test_install_help_and_link_in_agents_playground(
    playground_available: None,  # noqa: F811
    bot_endpoint: str,  # noqa: F811
    deps: Deps,
    tmp_path: Path,
) -> None:
    assert await playground_driver.guard_blocks(), "the localhost-only guard does not work"
    await make_person(deps, MANAGER, role="manager")
    async with playground_driver.run_playground(bot_endpoint, tmp_path) as playground:
        chat = playground.personal_chat
        playground.mark()
        await playground.install(chat)
        await playground.wait_for(conversation=chat, contains="What I can do for you")

        playground.mark()
        await playground.say(chat, "help")
        await playground.wait_for(conversation=chat, contains="/partnerbot link")

        channel = playground.channels[-1]
        await playground.install(playground.team_id)
        playground.mark()
        posted = await playground.say(channel, "partnerbot link Acme tier=gold", mention_bot=True)
        confirmation = await playground.wait_for(
            conversation=channel, contains="linked this channel to *Acme*"
        )
        assert "Tier: gold" in confirmation.text
        assert confirmation.conversation_id in (channel, posted.get("postConversationId"))

    async with deps.sessions() as session:
        acme = await partners.get_partner_by_name(session, "Acme")
        assert acme is not None
        assert [(c.platform, c.channel_id) for c in acme.channels] == [("teams", channel)]
        personal = await conversations.get_personal_conversation(session, "teams", MANAGER.id)
        assert personal is not None and personal.conversation_id == chat
    blocked = tmp_path / "blocked.log"
    if blocked.exists():  # attempts the guard stopped (telemetry): none got out
        assert all(
            line.startswith(("connect", "lookup"))
            for line in blocked.read_text().split("\n")
            if line
        )
