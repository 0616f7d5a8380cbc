"""Every command-line command, run in-process against a fresh SQLite file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import bot.cli
from bot.cli import parse_args, serve
from handlers.deps import Deps
from tests.bot.cli.conftest import cli


def output_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_no_sub_command_means_serve() -> None:
    assert parse_args([]).group is serve
    assert parse_args(["shell", "--as", "partner", "--partner", "Acme"]).role == "partner"


def test_db_upgrade_creates_the_database_on_a_fresh_machine(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("db", "upgrade") == 0
    assert (workdir / "cli.db").exists()
    assert "up to date" in capsys.readouterr().out
    assert cli("db", "upgrade", "--json") == 0
    assert output_json(capsys) == {
        "database": f"sqlite+aiosqlite:///{workdir / 'cli.db'}",
        "revision": "head",
    }


def test_admin_add_manager_then_partner_owned_by_that_manager(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli("admin", "add-manager", "--platform", "slack", "--user-id", "U1", "--name", "Ann")
    assert code == 0
    assert "Ann (slack:U1) is now a channel manager." in capsys.readouterr().out
    assert cli("admin", "add-manager", "--platform", "teams", "--user-id", "29:x", "--json") == 0
    assert output_json(capsys) == {
        "platform": "teams",
        "user_id": "29:x",
        "name": "",
        "role": "manager",
    }

    assert (
        cli(
            "partners",
            "add",
            "Acme Corp",
            "--tier",
            "gold",
            "--region",
            "EMEA",
            "--timezone",
            "Europe/Berlin",
            "--manager",
            "slack:U1",
            "--json",
        )
        == 0
    )
    added = output_json(capsys)
    assert added == {
        "id": 1,
        "name": "Acme Corp",
        "tier": "gold",
        "region": "EMEA",
        "timezone": "Europe/Berlin",
        "manager": "slack:U1",
        "channels": [],
        "created": True,
    }


def test_partners_add_link_and_list(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("partners", "add", "Globex") == 0
    assert "Added partner Globex." in capsys.readouterr().out
    assert cli("partners", "add", "globex", "--tier", "silver") == 0
    assert "Updated partner Globex." in capsys.readouterr().out
    assert cli("partners", "link", "Globex", "--platform", "slack", "--channel", "C42") == 0
    assert "Linked slack:C42 to partner Globex." in capsys.readouterr().out
    assert (
        cli(
            "partners",
            "link",
            "Globex",
            "--platform",
            "teams",
            "--channel",
            "19:abc@thread.tacv2",
            "--json",
        )
        == 0
    )
    assert output_json(capsys)["channels"] == ["slack:C42", "teams:19:abc@thread.tacv2"]  # type: ignore[index]

    assert cli("partners", "list", "--json") == 0
    listed = output_json(capsys)
    assert isinstance(listed, list)
    assert [(p["name"], p["tier"], p["timezone"]) for p in listed] == [("Globex", "silver", "UTC")]
    assert cli("partners", "list") == 0
    table = capsys.readouterr().out
    assert "Globex" in table
    assert "silver" in table


def test_partners_list_on_an_empty_database(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("partners", "list", "--json") == 0
    assert output_json(capsys) == []
    assert cli("partners", "list") == 0
    assert "No partners yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ("partners", "link", "Nobody", "--platform", "slack", "--channel", "C1"),
            1,
            "partner 'Nobody' was not found",
        ),
        (("partners", "add", "Acme", "--timezone", "Mars/Base"), 2, "unknown time zone"),
        (("partners", "add", "Acme", "--manager", "U123"), 2, "PLATFORM:USER_ID"),
        (("partners", "add", "   "), 2, "partner's name"),
    ],
)
def test_bad_arguments_are_one_error_line(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    assert cli(*argv) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert cli("partners", "list", "--json") == 0
    assert output_json(capsys) == [], "a failed command writes nothing"


def test_usage_errors_exit_2(workdir: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("admin", "add-manager", "--platform", "irc", "--user-id", "x")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("--help")
    assert caught.value.code == 0


def test_an_unreachable_database_is_one_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/partnerbot")
    assert cli("partners", "list") == 1
    err = capsys.readouterr().err
    assert "cannot open the database" in err
    assert "DATABASE_URL" in err
    assert "hunter2" not in err


def test_a_new_group_is_one_module(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def run(args: argparse.Namespace, deps: Deps) -> int:
        sys.stdout.write(f"hello {args.who} on {deps.settings.host}\n")
        return 3

    def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        subparsers.add_parser("greet").add_argument("who")

    group = SimpleNamespace(__name__="bot.cli.greet", NAME="greet", add_parser=add_parser, run=run)
    monkeypatch.setattr(bot.cli, "GROUPS", (*bot.cli.GROUPS, group))
    assert cli("greet", "world") == 3
    assert capsys.readouterr().out == "hello world on 127.0.0.1\n"


def test_offboarding_remove_manager_list_and_unlink(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli("admin", "add-manager", "--platform", "slack", "--user-id", "U1", "--name", "Ann") == 0
    )
    assert cli("partners", "add", "Globex", "--manager", "slack:U1") == 0
    assert cli("partners", "link", "Globex", "--platform", "slack", "--channel", "C42") == 0
    capsys.readouterr()
    assert cli("admin", "list", "--json") == 0
    assert output_json(capsys) == [
        {"platform": "slack", "user_id": "U1", "name": "Ann", "role": "manager"}
    ]

    assert cli("admin", "remove-manager", "--platform", "slack", "--user-id", "U1", "--json") == 0
    assert output_json(capsys) == {
        "platform": "slack",
        "user_id": "U1",
        "name": "Ann",
        "previous_role": "manager",
        "released_partners": ["Globex"],
    }
    assert cli("admin", "list", "--json") == 0
    assert output_json(capsys) == []
    assert cli("partners", "list", "--json") == 0
    assert output_json(capsys)[0]["manager"] is None  # type: ignore[index]
    # Removing again is one clear line, not a traceback.
    assert cli("admin", "remove-manager", "--platform", "slack", "--user-id", "U1") == 1
    assert "channel manager 'slack:U1' was not found" in capsys.readouterr().err

    assert cli("partners", "unlink", "Globex", "--platform", "slack", "--channel", "C42") == 0
    assert "Unlinked slack:C42 from partner Globex." in capsys.readouterr().out
    assert cli("partners", "list", "--json") == 0
    assert output_json(capsys)[0]["channels"] == []  # type: ignore[index]
    assert cli("partners", "unlink", "Globex", "--platform", "slack", "--channel", "C42") == 2
    assert "not linked" in capsys.readouterr().err
