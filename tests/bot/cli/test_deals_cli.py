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
