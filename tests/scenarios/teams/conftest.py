"""Teams scenario fixtures: PartnerBot served on 127.0.0.1, a fake Bot Connector, and
the `teams` driver (details in fakes.py).

Use in a test (any test under tests/scenarios/teams/):

    async def test_x(teams: TeamsDriver, deps: Deps) -> None:
        await make_person(deps, ALICE, role="manager")   # users start as partner reps
        await teams.personal("help")                      # 1:1 chat, as ALICE by default
        [reply] = teams.sent()                            # every connector call so far
        assert "What I can do" in reply.shown             # text, or the card's text
        teams.mark()                                      # later calls: since()/wait_for(n)
        await teams.channel("partnerbot link Acme", user=ALICE)   # @mentions the bot
        await teams.channel("deals", thread="root-1")     # a reply in a reply chain
        await teams.group("help")                         # a group chat
        [menu] = await teams.wait_for(1)
        await teams.click(menu, "Help")                   # Action.Submit on a card button
        await teams.submit({**data, "field": "v"}, reply_to=card.id)   # a form card
        teams.connector.fail_next(429, headers={"Retry-After": "3"})   # a throttled send

Each `Sent` has `method` (POST/PUT), `conversation_id` (a thread is
`<channel>;messageid=<root>`), `activity_id`, `body`, `id`, and `text`, `card` /
`require_card()`, `card_text`, `shown`, `buttons`. Proactive sends go through
`deps.senders["teams"]` (registered by the app). Every test runs on both databases.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from app import build_web_app
from bot.core.settings import Settings
from handlers.deps import Deps
from storage import people
from tests.conftest import TestDatabase
from tests.scenarios.teams import playground_driver
from tests.scenarios.teams.fakes import FakeConnector, TeamsDriver, TeamsUser


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    """Settings with no Microsoft credentials (Teams local mode), whatever the
    environment; the root `deps` fixture builds Deps from them."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database.url,
        microsoft_app_id="",
        microsoft_app_password=None,
        microsoft_app_tenant_id="",
        slack_bot_token=None,
        slack_signing_secret=None,
        slack_app_token=None,
        openai_api_key=None,
    )


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot_url(deps: Deps) -> AsyncIterator[str]:
    """PartnerBot's web app (app.build_web_app) on an ephemeral 127.0.0.1 port."""
    runner = web.AppRunner(build_web_app(deps))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/api/messages"
    await runner.cleanup()


@pytest.fixture
async def bot_endpoint(bot_url: str) -> str:
    """PartnerBot's /api/messages URL, for the Agents Playground (`-e`)."""
    return bot_url


@pytest.fixture
def playground_available() -> None:
    """Skip (outside CI) or fail (CI set) when Agents Playground is not installed."""
    reason = playground_driver.missing_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the Agents Playground test must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture
async def teams(bot_url: str, connector: FakeConnector) -> AsyncIterator[TeamsDriver]:
    """The driver: posts activities to PartnerBot, reads what it sent (see fakes.py)."""
    async with aiohttp.ClientSession() as http:
        yield TeamsDriver(http, bot_url, connector)


async def make_person(deps: Deps, user: TeamsUser, *, role: str) -> None:
    """Record `user` in the database with `role` (e.g. "manager", "admin")."""
    async with deps.sessions() as session, session.begin():
        await people.upsert_person(session, "teams", user.id, name=user.name, role=role)
