"""manifest/slack.yml declares what the adapter serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack.commands import SLASH_COMMANDS
from handlers import router

MANIFEST = Path(__file__).parents[3] / "manifest" / "slack.yml"


def _manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_every_top_level_command_is_a_declared_slash_command() -> None:
    declared = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    expected = {f"/{name}" for name in router.TOP_LEVEL if name != "help"}
    assert declared == expected == set(SLASH_COMMANDS)


def test_urls_events_and_scopes() -> None:
    manifest = _manifest()
    settings = manifest["settings"]
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert set(urls) == {"https://YOUR-HOST/slack/events"}
    assert settings["interactivity"]["is_enabled"] is True
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels", "message.groups"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {
        "commands",
        "chat:write",
        "app_mentions:read",
        "im:history",
        "im:write",
        "channels:history",
        "groups:history",
    }
    assert needed <= scopes
