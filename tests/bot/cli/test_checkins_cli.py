"""`partnerbot checkins set | list`: an operator sets a partner's schedule; the list
shows every partner, machine-readable with --json; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.cli.conftest import cli


def test_set_then_list_as_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("partners", "add", "Acme", "--timezone", "Europe/Berlin") == 0
    assert cli("partners", "add", "Beta") == 0
    capsys.readouterr()
    assert (
        cli("checkins", "set", "Acme", "--cadence", "weekly", "--day", "tue", "--time", "10:30")
        == 0
    )
    assert "weekly on tue at 10:30 (Europe/Berlin)" in " ".join(capsys.readouterr().out.split())

    assert cli("checkins", "list", "--json") == 0
    listed = {row["partner"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["Acme"]["cadence"] == "weekly" and listed["Acme"]["day"] == "tue"
    assert listed["Acme"]["next_due_at"] is not None
    assert listed["Beta"]["cadence"] == "off" and listed["Beta"]["next_due_at"] is None

    assert cli("checkins", "set", "Acme", "--pause-until", "2030-01-10") == 0
    said = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert "paused until 2030-01-10. Next: 2030-01-15 09:30 UTC" in said
    assert cli("checkins", "list") == 0
    assert "Acme" in capsys.readouterr().out


def test_bad_time_zone_and_unknown_partner(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("partners", "add", "Acme") == 0
    capsys.readouterr()
    assert cli("checkins", "set", "Acme", "--cadence", "weekly", "--timezone", "Mars/Base") == 2
    assert "Mars/Base" in capsys.readouterr().err
    assert cli("checkins", "set", "Nobody", "--cadence", "off") == 1
