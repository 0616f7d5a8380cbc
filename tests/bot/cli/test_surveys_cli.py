"""`partnerbot survey import | send | results`: a custom survey from YAML (a bad file is
refused with its line and reason, nothing imported), a run sent with --json printing
its run_id, and its results as JSON and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.cli.conftest import cli

GOOD = """\
key: onboarding
title: Onboarding feedback
questions:
  - scale: How easy was onboarding?
    min: 1
    max: 5
    labels: [Hard, Easy]
  - choice: Which part helped most?
    options: [Docs, Training, Your manager]
    optional: true
  - text: Anything else?
"""

BAD = """\
key: onboarding
title: Onboarding feedback
questions:
  - scale: How easy was onboarding?
    min: 1
    max: 5
  - choice: Which part helped most?
    options: [Docs]
"""


def test_import_then_send_as_json_and_results(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "bad.yaml").write_text(BAD)
    assert cli("survey", "import", "bad.yaml") == 2
    err = capsys.readouterr().err
    assert "line 8" in err and "2 to 10 options" in err
    assert cli("survey", "send", "onboarding", "--all") == 1  # nothing was imported
    assert "'onboarding' was not found" in capsys.readouterr().err

    (workdir / "good.yaml").write_text(GOOD)
    assert cli("survey", "import", "good.yaml") == 0
    assert "3 questions" in capsys.readouterr().out
    assert cli("partners", "add", "Acme", "--tier", "gold") == 0
    assert cli("partners", "link", "Acme", "--platform", "slack", "--channel", "C0ACME") == 0
    capsys.readouterr()

    assert cli("survey", "send", "onboarding", "--tier", "gold", "--json") == 0
    sent = json.loads(capsys.readouterr().out)
    assert sent == {"run_id": 1, "queued": 1}

    assert cli("survey", "results", "1", "--json") == 0
    results = json.loads(capsys.readouterr().out)
    assert results["survey"] == "onboarding" and results["audience"] == "tier gold"
    assert results["by_tier"] == [
        {"name": "gold", "partners": 1, "responded": 0, "respondents": 0, "rate": 0.0}
    ]
    assert [q["kind"] for q in results["questions"]] == ["scale", "choice", "text"]
    assert cli("survey", "results", "1", "--csv") == 0
    assert capsys.readouterr().out.startswith("section,name,value,detail")
    assert cli("survey", "results", "99") == 1


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("key: x\ntitle: t\nquestions: [\n", 4, "not valid YAML"),
        ("key: nps\ntitle: t\nquestions:\n  - text: Why?\n", 1, "built-in"),
        ("key: ok\ntitle: t\nquestions:\n  - text: Why?\n    colour: red\n", 5, "'colour'"),
        ("key: ok\ntitle: t\nquestions:\n  - scale: How?\n    max: 11\n", 5, "within 0..10"),
        ("key: ok\ntitle: t\n", 1, "questions: is missing"),
        (
            "key: ok\ntitle: t\nquestions:\n  - text: Why?\n    optional: maybe\n",
            5,
            "true or false",
        ),
        ("- just\n- a list\n", 1, "mapping"),
        ("key: ok\ntitle: !!python/object:os.system t\nquestions: []\n", 2, "not valid YAML"),
    ],
)
def test_a_bad_file_names_its_line_and_reason(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, reason: str
) -> None:
    (workdir / "s.yaml").write_text(text)
    assert cli("survey", "import", "s.yaml") == 2
    err = capsys.readouterr().err
    assert f"line {line}:" in err and reason in err


def test_an_oversized_file_is_refused(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "big.yaml").write_text("key: big\n" + "# padding\n" * 10_000)
    assert cli("survey", "import", "big.yaml") == 2
    assert "larger than" in capsys.readouterr().err


def test_sending_with_nobody_to_ask_or_a_past_date(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("survey", "send", "nps", "--all") == 2
    assert "no partner to ask" in capsys.readouterr().err
    assert cli("partners", "add", "Acme", "--tier", "gold") == 0
    assert cli("survey", "send", "nps", "--tier", "platinum") == 2
    assert "platinum" in capsys.readouterr().err
    assert cli("survey", "send", "nps", "--closes", "2020-01-01") == 2
    assert "2020-01-01 has passed" in capsys.readouterr().err
