"""What `serve` says about its configuration at start-up (never a secret)."""

from __future__ import annotations

from bot.cli.serve import describe
from bot.core.settings import Settings


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_embedded_defaults() -> None:
    lines = describe(settings())
    assert lines[0] == "Slack: off (no SLACK_BOT_TOKEN)"
    assert lines[1].startswith("Teams: LOCAL MODE")
    assert lines[2] == "LLM: off (no OPENAI_API_KEY)"
    assert lines[3] == "Database: sqlite+aiosqlite:///./partnerbot.db"


def test_everything_configured_shows_modes_but_no_secrets() -> None:
    lines = "\n".join(
        describe(
            settings(
                slack_bot_token="xoxb-SECRET1",
                slack_signing_secret="SECRET2",
                microsoft_app_id="app-123",
                microsoft_app_password="SECRET3",
                openai_api_key="SECRET4",
                database_url="postgresql://bot:SECRET5@db.internal:5432/partnerbot",
            )
        )
    )
    assert "Slack: HTTP at POST /slack/events" in lines
    assert "Teams: authenticated at POST /api/messages (app app-123)" in lines
    assert "LLM: on (gpt-4o-mini)" in lines
    assert "postgresql+asyncpg://bot:***@db.internal:5432/partnerbot" in lines
    assert "SECRET" not in lines


def test_socket_mode_is_named() -> None:
    only_socket = describe(settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"))
    assert only_socket[0] == "Slack: Socket Mode (SLACK_APP_TOKEN)"
    both = describe(
        settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1", slack_signing_secret="s")
    )
    assert both[0] == "Slack: Socket Mode (SLACK_APP_TOKEN), and HTTP at POST /slack/events"
