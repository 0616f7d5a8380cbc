"""The QBR pack on kpi_world: won and lost with reasons, pipeline by stage, blockers,
questions; Markdown, CSV (formula-safe) and JSON say the same (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest

from bot.core.errors import NotFound
from handlers.deps import Deps
from handlers.digests.qbr import build_qbr
from storage.quarters import Quarter
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import build_world
from tests.handlers.digests.kpi_world import build_kpi_world


async def test_qbr_pack_of_a_quarter(deps: Deps) -> None:
    await build_world(deps)
    await build_kpi_world(deps)
    pack = await build_qbr(deps, "acme partners", Quarter(2026, 4), now=FIXED_NOW)
    data = pack.to_json()
    assert [w["company"] for w in data["won"]] == ["Alpha One"]  # type: ignore[index]
    [lost] = data["lost"]  # type: ignore[misc]
    assert lost["company"] == "Alpha Eight" and lost["reason"] == "Budget cut"
    stages = {(p["stage"], p["currency"]): p["count"] for p in data["pipeline_by_stage"]}  # type: ignore[union-attr, index]
    assert stages == {("qualified", "EUR"): 1, ("qualified", "GBP"): 1, ("proposal", "USD"): 1}
    assert [b["text"] for b in data["blockers"]] == [  # type: ignore[union-attr, index]
        "Blocked: waiting on the security review from Contoso."
    ]
    assert [q["text"] for q in data["questions"]] == ["Does Lumora integrate with SAP?"]  # type: ignore[union-attr, index]
    assert data["kpis"]["won"] == {"cents": 1_200_000, "unconverted": {}}  # type: ignore[index]
    assert data["survey"] is None

    md = pack.to_markdown()
    assert "| Won | 12,000 USD (1 registrations) | 5,000 USD (1 registrations) |" in md
    assert "Budget cut" in md and "_(knowledge gap)_" in md
    rows = list(csv.reader(io.StringIO(pack.to_csv())))
    assert rows[0] == ["section", "item", "value", "detail"]
    assert ["lost", "DR-000008 Alpha Eight", "15,000 USD", "Budget cut"] in rows

    earlier = await build_qbr(deps, "Acme Partners", Quarter(2026, 3), now=FIXED_NOW)
    assert [w["company"] for w in earlier.to_json()["won"]] == ["Alpha Two"]  # type: ignore[index]
    with pytest.raises(NotFound):
        await build_qbr(deps, "Nobody", Quarter(2026, 4), now=FIXED_NOW)
