"""Fixtures for Slack end-to-end scenarios (reuse them for any Slack flow).

- `fake_slack`: the recording fake Web API (fakes.FakeSlackApi).
- `slack_deps`: Deps whose settings have a bot token, a signing secret and
  SLACK_API_URL pointing at `fake_slack`, on the test database (both backends).
- `slack_server`: the real web app from `app.build_web_app(slack_deps)` on 127.0.0.1.
- `slack`: a fakes.SlackDriver for that server, e.g.::

      sent = await slack.command("/partnerbot", "help", user="U0MANAGER")
      assert sent.status == 200
      await slack.settle()                      # background work done
      [call] = slack.calls("chat.postEphemeral")
      assert "What I can do" in call.block_text()

- `make_person`: put a person (role, partner, external) in the database first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

import app
from bot.core.settings import Settings
from bot.slack import SLACK_KEY
from handlers.deps import Deps
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW, TestDatabase
from tests.scenarios.slack.fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackDriver


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
def slack_settings(database: TestDatabase, fake_slack: FakeSlackApi) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database.url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
    )


@pytest.fixture
def slack_deps(slack_settings: Settings, sessions: SessionFactory) -> Deps:
    return Deps(settings=slack_settings, sessions=sessions, clock=lambda: FIXED_NOW)


@pytest.fixture
async def slack_server(slack_deps: Deps) -> AsyncIterator[TestServer]:
    server = TestServer(app.build_web_app(slack_deps), host="127.0.0.1", port=0)
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def slack(slack_server: TestServer, fake_slack: FakeSlackApi) -> AsyncIterator[SlackDriver]:
    runtime = slack_server.app[SLACK_KEY]
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(
            url=str(slack_server.make_url("/slack/events")),
            api=fake_slack,
            session=session,
            settle=runtime.tasks.idle,
        )


MakePerson = Callable[..., Awaitable[None]]


@pytest.fixture
def make_person(sessions: SessionFactory) -> MakePerson:
    async def make(
        user_id: str,
        *,
        role: str = "partner_rep",
        name: str = "",
        is_external: bool = False,
        partner_id: int | None = None,
    ) -> None:
        async with sessions() as session, session.begin():
            await people_store.upsert_person(
                session,
                "slack",
                user_id,
                name=name or user_id,
                role=role,
                is_external=is_external,
                partner_id=partner_id,
            )

    return make


@pytest.fixture
async def acme(sessions: SessionFactory) -> None:
    """Acme (C0PARTNER, Slack Connect guest rep U0REP "Rita"), owned by manager
    U0MANAGER ("Mia")."""
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        partner = await partner_store.add_partner(session, "Acme", manager_id=manager.id)
        await partner_store.link_channel(session, partner, platform="slack", channel_id="C0PARTNER")
        await people_store.upsert_person(
            session, "slack", "U0REP", name="Rita", partner_id=partner.id, is_external=True
        )
