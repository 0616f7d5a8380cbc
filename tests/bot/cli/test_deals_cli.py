"""`partnerbot deals export` and `deals house-accounts import`, in-process on SQLite."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

import app
from bot.core.settings import Settings
from storage import deals as deal_store
from storage.engine import create_engine
from tests.bot.cli.conftest import cli
from tests.handlers.deal_world import CHANNEL_B, REP_B, build_world, register


def _seed() -> None:
    """Two partners with one registration each, through the real use cases."""

    async def seed() -> None:
        settings = Settings()
        engine = create_engine(settings.async_database_url)
        deps = app.build_deps(settings, engine=engine)
        await build_world(deps)
        await register(deps)
        await register(deps, REP_B, CHANNEL_B, company="Initech", domain="initech.com")
        await engine.dispose()

    asyncio.run(seed())


def test_export_prints_every_registration_as_csv(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli("deals", "export") == 0
    assert capsys.readouterr().out.startswith("id,partner,company,domain,value,currency")
    _seed()
    assert cli("deals", "export", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["id"], r["partner"], r["status"]) for r in rows] == [
        ("DR-000002", "Beta Resellers", "pending"),
        ("DR-000001", "Acme Partners", "pending"),
    ]
    assert cli("deals", "export", "--partner", "Beta Resellers", "--status", "pending") == 0
    assert "DR-000001" not in capsys.readouterr().out
    assert cli("deals", "export", "--partner", "Nobody") == 1
    assert "partner 'Nobody' was not found" in capsys.readouterr().err


def test_house_accounts_import_from_csv(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = workdir / "house.csv"
    good.write_text("domain,company,owner\nhttps://www.globex.com,Globex,Sam\nhooli.com,Hooli,\n")
    assert cli("deals", "house-accounts", "import", str(good), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"added": 2, "updated": 0}
    bad = workdir / "bad.csv"
    bad.write_text("domain\nok.com\nnot a domain\n")
    assert cli("deals", "house-accounts", "import", str(bad)) == 2
    assert "line 3" in capsys.readouterr().err
    assert cli("deals", "house-accounts", "import", str(workdir / "missing.csv")) == 1


def _seed_hostile() -> None:
    """Registrations whose partner-typed text is a spreadsheet formula, and one whose
    stored company carries a terminal escape sequence (written before input was
    cleaned, or by another tool)."""

    async def seed() -> None:
        settings = Settings()
        engine = create_engine(settings.async_database_url)
        deps = app.build_deps(settings, engine=engine)
        await build_world(deps)
        await register(deps, company='=HYPERLINK("https://evil.example","Open")')
        await register(deps, REP_B, CHANNEL_B, company="@SUM(1+1)", domain="initech.com")
        await register(deps, company="+cmd|' /C calc'!A0", domain="hooli.com")
        await register(deps, company="-2+3", domain="globex.com")
        await register(deps, company="Umbrella", domain="umbrella.com")
        async with deps.sessions() as session, session.begin():
            [deal] = [d for d in await deal_store.list_deals(session) if d.company == "Umbrella"]
            deal.company = "\x1b]0;pwned\x07Umbrella\x1b[2J\tCorp\x9b1m"
        await engine.dispose()

    asyncio.run(seed())


def test_export_neutralises_formulas_and_control_characters(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("db", "upgrade") == 0
    capsys.readouterr()
    _seed_hostile()
    assert cli("deals", "export") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    companies = {r["domain"]: r["company"] for r in csv.DictReader(io.StringIO(out))}
    assert companies == {
        "acme.com": '\'=HYPERLINK("https://evil.example","Open")',
        "initech.com": "'@SUM(1+1)",
        "hooli.com": "'+cmd|' /C calc'!A0",
        "globex.com": "'-2+3",
        "umbrella.com": "]0;pwnedUmbrella[2J\tCorp1m",
    }
    for row in csv.reader(io.StringIO(out)):
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row


def test_house_accounts_import_errors_are_one_line_each(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = workdir / "latin1.csv"
    latin.write_bytes("domain,company\nacme.com,Soci\xe9t\xe9 G\xe9n\xe9rale\n".encode("latin-1"))
    assert cli("deals", "house-accounts", "import", str(latin)) == 1
    err = capsys.readouterr().err
    [line] = err.splitlines()
    assert line.startswith(f"error: {latin} is not UTF-8 text (byte ")

    huge = workdir / "huge.csv"
    huge.write_text("domain,company\nacme.com," + "x" * 131_073 + "\n")
    assert cli("deals", "house-accounts", "import", str(huge)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "field larger than field limit" in line

    long = workdir / "long.csv"
    long.write_text("domain,company,owner\nacme.com," + "x" * 201 + ",Sam\nok.com,Ok,\u202eSam\n")
    assert cli("deals", "house-accounts", "import", str(long)) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: line 2: a company has at most 200 characters"
    ]
