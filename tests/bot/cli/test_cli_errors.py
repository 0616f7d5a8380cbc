"""Every mistake an operator can make on the command line is one line and exit 1 or 2,
never a traceback (issue #9, items 13 and 16), through the real entry point."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.cli.conftest import cli


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line the command printed on stderr (log lines aside)."""
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if "error: " in line[:21]]
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DEAL_PRODUCTS", "Platform, Analytics", "DEAL_PRODUCTS is not valid JSON"),
        ("DEAL_AUTO_APPROVE", "{gold: 25000", "DEAL_AUTO_APPROVE is not valid JSON"),
        ("DATABASE_URL", "sqlite://::::", "DATABASE_URL is not a valid database URL"),
        ("PORT", "70000", "PORT"),
        ("HOST", "not a host", "HOST 'not a host' is not an IP address or a host name"),
        ("HOST", "-bad-.example", "HOST"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_variable(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert cli("partners", "list") == 2
    line = one_error_line(capsys)
    assert line.startswith("configuration error: ") and says in line


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_serve_on_a_port_in_use_is_one_line(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    busy_port: int,
) -> None:
    monkeypatch.setenv("PORT", str(busy_port))
    assert cli("serve") == 1
    line = one_error_line(capsys)
    assert line.startswith(f"error: can't listen on 127.0.0.1:{busy_port} (HOST, PORT): ")


def test_serve_on_an_address_not_of_this_machine_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOST", "192.0.2.1")  # TEST-NET-1: never a local address
    monkeypatch.setenv("PORT", "0")
    monkeypatch.setenv("MICROSOFT_APP_ID", "00000000-0000-0000-0000-000000000001")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "not-a-real-secret")
    assert cli("serve") == 1
    assert one_error_line(capsys).startswith("error: can't listen on 192.0.2.1:0 (HOST, PORT)")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("--user-id", ""), "user_id: give the person's user id"),
        (("--user-id", "   "), "user_id: give the person's user id"),
        (("--user-id", "U" * 256), "user_id: a user id has at most 255 characters"),
        (("--user-id", "U1\x00"), "user_id: a user id has no spaces or control characters"),
        (("--user-id", "U1", "--name", "N" * 201), "name: a name has at most 200 characters"),
    ],
)
def test_add_manager_refuses_what_it_cannot_store(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    assert cli("admin", "add-manager", "--platform", "slack", *argv) == 2
    assert one_error_line(capsys).startswith(f"error: {says}")
    assert "is now a channel manager" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("",), "name: give the partner's name, e.g. Acme Corp"),
        (('""',), "name: give the partner's name, e.g. Acme Corp"),
        (("A" * 201,), "name: a partner name has at most 200 characters"),
        (("Acme", "--tier", "g" * 51), "tier: a tier has at most 50 characters"),
        (("Acme", "--tier", "%"), "tier: a tier is letters and digits, e.g. gold or tier-1"),
        (("Acme", "--region", "r" * 51), "region: a region has at most 50 characters"),
        (("Acme", "--manager", "slack:" + "U" * 300), "manager: a user id has at most 255"),
        (("Acme", "--timezone", "Europe/\x00Berlin"), "timezone: unknown time zone"),
    ],
)
def test_partners_add_refuses_what_it_cannot_store(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    assert cli("partners", "add", *argv) == 2
    assert one_error_line(capsys).startswith(f"error: {says}")


def test_partners_link_refuses_an_overlong_channel_id(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("partners", "add", "Acme") == 0
    capsys.readouterr()
    argv = ("partners", "link", "Acme", "--platform", "teams", "--channel", "19:" + "x" * 300)
    assert cli(*argv) == 2
    assert one_error_line(capsys) == "error: channel: a channel id has at most 255 characters"


def test_names_are_stored_without_bidi_overrides_or_controls(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoof = "Acme \u202emoc.live\u202c\x07 Corp"
    assert cli("partners", "add", spoof, "--tier", "gold", "--json") == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Acme moc.live Corp"
    # a 200-character name whose case-folded key is 400 characters long is a name
    assert cli("partners", "add", "ß" * 200, "--json") == 0
    assert json.loads(capsys.readouterr().out)["name"] == "ß" * 200
