"""bot/teams/adapter.py: auth on with credentials, a loud warning without them."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot import teams
from bot.core.settings import Settings
from handlers.deps import Deps

ACTIVITY = {
    "type": "message",
    "id": "1",
    "channelId": "msteams",
    "serviceUrl": "http://127.0.0.1:9/",
    "from": {"id": "29:x"},
    "recipient": {"id": "28:bot"},
    "conversation": {"id": "a:1", "conversationType": "personal"},
    "text": "help",
}


async def _serve(deps: Deps) -> AsyncIterator[str]:
    web_app = web.Application()
    teams.register(web_app, deps)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/api/messages"
    await runner.cleanup()


@pytest.fixture
async def secured_url(deps: Deps) -> AsyncIterator[str]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=deps.settings.database_url,
        microsoft_app_id="11111111-2222-3333-4444-555555555555",
        microsoft_app_password=SecretStr("not-a-real-secret"),
    )
    async for url in _serve(dataclasses.replace(deps, settings=settings, senders={})):
        yield url


async def test_with_credentials_unauthenticated_requests_are_refused(
    secured_url: str, deps: Deps
) -> None:
    async with aiohttp.ClientSession() as http, http.post(secured_url, json=ACTIVITY) as response:
        assert response.status == 401
    assert "teams" not in deps.senders  # the secured app registered into its own deps


async def test_without_credentials_a_loud_warning_is_logged(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    local = Settings(_env_file=None, database_url=deps.settings.database_url)  # type: ignore[call-arg]
    local = local.model_copy(update={"microsoft_app_id": ""})
    with caplog.at_level(logging.WARNING, logger="bot.teams"):
        teams.register(web.Application(), dataclasses.replace(deps, settings=local, senders={}))
    assert any("TEAMS LOCAL MODE" in record.getMessage() for record in caplog.records)
