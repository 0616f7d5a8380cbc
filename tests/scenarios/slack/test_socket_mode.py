"""Socket Mode: the same listeners, reached over a WebSocket instead of HTTP."""

from __future__ import annotations

import asyncio
import time

from bot.core.settings import Settings
from bot.slack import run_socket_mode
from handlers.deps import Deps
from storage.engine import SessionFactory
from tests.conftest import FIXED_NOW
from tests.scenarios.slack.fakes import APP_TOKEN, BOT_TOKEN, HOME_TEAM, FakeSlackApi


async def test_slash_command_over_socket_mode(
    fake_slack: FakeSlackApi, sessions: SessionFactory, slack_settings: Settings
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=slack_settings.database_url,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake_slack.url,
    )
    deps = Deps(settings=settings, sessions=sessions, clock=lambda: FIXED_NOW)
    running = asyncio.create_task(run_socket_mode(deps))
    try:
        deadline = time.monotonic() + 5
        while not fake_slack.sockets:
            assert time.monotonic() < deadline, "the bot never opened its WebSocket"
            assert not running.done(), running
            await asyncio.sleep(0.01)
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/partnerbot", "text": "help", "user_id": "U0REP",
                "channel_id": "C0PARTNER", "team_id": HOME_TEAM, "trigger_id": "t.1",
                "response_url": fake_slack.response_url("sm"),
            },
        }  # fmt: skip
        await fake_slack.sockets[-1].send_json(envelope)
        ack = await asyncio.wait_for(fake_slack.socket_messages.get(), 5)
        assert ack["envelope_id"] == "env-1"
        assert ack["payload"]["response_type"] == "ephemeral"
        assert "What I can do for you" in ack["payload"]["text"]
        assert fake_slack.calls("apps.connections.open")
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert deps.senders["slack"] is not None
