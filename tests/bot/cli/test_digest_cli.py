"""`partnerbot partners set --target`, `digest preview [--json]`, in-process on SQLite."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import app
from bot.core.settings import Settings
from storage.engine import create_engine
from storage.quarters import Quarter
from storage.targets import get_targets
from tests.bot.cli.conftest import cli
from tests.handlers.deal_world import build_world
from tests.handlers.digests.kpi_world import build_kpi_world


def _seed() -> None:
    async def seed() -> None:
        settings = Settings()
        engine = create_engine(settings.async_database_url)
        deps = app.build_deps(settings, engine=engine)
        await build_world(deps)
        await build_kpi_world(deps)
        await engine.dispose()

    assert cli("partners", "list") == 0  # migrates
    asyncio.run(seed())


def _targets(quarter: str) -> dict[int, tuple[int, str]]:
    async def read() -> dict[int, tuple[int, str]]:
        settings = Settings()
        engine = create_engine(settings.async_database_url)
        deps = app.build_deps(settings, engine=engine)
        async with deps.sessions() as session:
            found = await get_targets(session, [1, 2, 3], quarter)
        await engine.dispose()
        return {k: (t.amount_cents, t.currency) for k, t in found.items()}

    return asyncio.run(read())


def test_partners_set_target(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("partners", "add", "Acme") == 0
    capsys.readouterr()
    assert cli("partners", "set", "Acme", "--target", "250000", "--currency", "EUR") == 0
    assert "250,000 EUR" in capsys.readouterr().out
    assert cli("partners", "set", "Acme", "--target", "1.5m", "--quarter", "2027Q1", "--json") == 0
    said = json.loads(capsys.readouterr().out)
    assert said["target"] == {"quarter": "2027Q1", "cents": 150_000_000, "currency": "USD"}
    assert _targets(Quarter.of(app.system_clock()).label) == {1: (25_000_000, "EUR")}
    assert cli("partners", "set", "Acme", "--target", "lots") == 2
    assert cli("partners", "set", "Nobody", "--target", "5") == 1


def test_digest_preview(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    capsys.readouterr()
    assert cli("digest", "preview", "--manager", "slack:U-MIA", "--json") == 0
    [digest] = json.loads(capsys.readouterr().out)
    assert digest["manager"] == "slack:U-MIA"
    titles = [s["title"] for s in digest["sections"]]
    assert "Your partners this quarter" in titles
    assert cli("digest", "preview", "--manager", "slack:U-MIA") == 0
    out = capsys.readouterr().out
    assert "# Digest of Mia" in out and "[Approve] [Reject] [Ask for info]" in out
    assert cli("digest", "preview", "--manager", "slack:U-NOBODY") == 1
    assert cli("digest", "preview", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 3  # Mia, Max, Ada


def test_qbr_formats(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    capsys.readouterr()
    assert cli("qbr", "Acme Partners", "--quarter", "2026Q4") == 0
    assert capsys.readouterr().out.startswith("# QBR: Acme Partners, 2026Q4")
    assert cli("qbr", "Acme Partners", "--quarter", "2026Q4", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["quarter"] == "2026Q4"
    assert cli("qbr", "Acme Partners", "--quarter", "2026Q4", "--format", "csv") == 0
    assert capsys.readouterr().out.startswith("section,item,value,detail")
    assert cli("qbr", "Acme Partners", "--quarter", "26-4") == 2
    assert cli("qbr", "Nobody") == 1
