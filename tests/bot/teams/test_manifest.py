"""manifest/teams: a Teams app manifest template within Teams' limits, whose commands the
bot understands, with valid icons of the sizes Teams requires."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from handlers.router import parse_command

ROOT = Path(__file__).resolve().parents[3]
MANIFEST_DIR = ROOT / "manifest" / "teams"
LIMITS_FILE = ROOT.parent / "shared" / "LIMITS.json"
PLACEHOLDERS = {
    "{{MICROSOFT_APP_ID}}": "00000000-0000-0000-0000-000000000abc",
    "{{BOT_DOMAIN}}": "bot.example.com",
    "{{COMPANY_NAME}}": "Example Inc",
}


@pytest.fixture(scope="module")
def limits() -> dict[str, Any]:
    if not LIMITS_FILE.exists():
        pytest.skip(f"{LIMITS_FILE} is absent (../shared is not beside the repo)")
    loaded: dict[str, Any] = json.loads(LIMITS_FILE.read_text())
    return loaded


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    text = (MANIFEST_DIR / "manifest.json").read_text()
    for placeholder, value in PLACEHOLDERS.items():
        assert placeholder in text
        text = text.replace(placeholder, value)
    assert "{{" not in text, "a placeholder without documentation in the README"
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_template_uses_the_app_id_for_app_and_bot(manifest: dict[str, Any]) -> None:
    app_id = PLACEHOLDERS["{{MICROSOFT_APP_ID}}"]
    assert float(manifest["manifestVersion"]) >= 1.16
    assert manifest["id"] == app_id
    [bot] = manifest["bots"]
    assert bot["botId"] == app_id
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert manifest["validDomains"] == [PLACEHOLDERS["{{BOT_DOMAIN}}"]]


def test_command_lists_fit_teams_limits(manifest: dict[str, Any], limits: dict[str, Any]) -> None:
    [bot] = manifest["bots"]
    lists = bot["commandLists"]
    assert 0 < len(lists) <= limits["teams.manifest.command_lists_max"]
    for command_list in lists:
        assert set(command_list["scopes"]) <= set(bot["scopes"])
        commands = command_list["commands"]
        assert 0 < len(commands) <= limits["teams.manifest.commands_per_list_max"]
        for command in commands:
            assert len(command["title"]) <= limits["teams.manifest.command_title_max_chars"]
            assert (
                len(command["description"])
                <= limits["teams.manifest.command_description_max_chars"]
            )


def test_every_menu_command_is_understood(manifest: dict[str, Any]) -> None:
    for command_list in manifest["bots"][0]["commandLists"]:
        for command in command_list["commands"]:
            assert parse_command(command["title"]) is not None, command["title"]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icons_exist_with_teams_sizes(manifest: dict[str, Any]) -> None:
    assert _png_size(MANIFEST_DIR / manifest["icons"]["color"]) == (192, 192)
    assert _png_size(MANIFEST_DIR / manifest["icons"]["outline"]) == (32, 32)


def test_channel_messages_arrive_without_a_mention(manifest: dict[str, Any]) -> None:
    """Check-in answers in a reply chain need no @mention: the app asks for the
    resource-specific permission to read the channel messages of teams it is in."""
    permissions = manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in permissions
    assert manifest["webApplicationInfo"]["id"] == PLACEHOLDERS["{{MICROSOFT_APP_ID}}"]
