"""Every KPI against the hand-computed figures of kpi_world (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from handlers.deps import Deps
from storage.kpis import KpiOptions, Money, convert, quarter_kpis
from storage.quarters import Quarter
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import build_world
from tests.handlers.digests.kpi_world import World, build_kpi_world

OPTIONS = KpiOptions(
    rates={"EUR": Decimal("1.1")}, program_currency="USD", checkin_grace=timedelta(days=2)
)


@pytest.fixture
async def world(deps: Deps) -> World:
    await build_world(deps)
    return await build_kpi_world(deps)


async def test_quarter_kpis_match_the_hand_computed_figures(deps: Deps, world: World) -> None:
    async with deps.sessions() as session:
        kpis = await quarter_kpis(
            session,
            [world.acme, world.beta, world.gamma],
            Quarter(2026, 4),
            now=FIXED_NOW,
            options=OPTIONS,
        )
    acme, beta, gamma = kpis[world.acme], kpis[world.beta], kpis[world.gamma]

    assert acme.pipeline == Money(5_200_000, {"GBP": 600_000})
    assert acme.pipeline_count == 3
    assert acme.pipeline_at_start == Money(1_000_000, {})
    assert acme.won == Money(1_200_000, {}) and acme.won_count == 1 and acme.lost_count == 1
    assert acme.target == Money(10_000_000, {}) and acme.target_pct == pytest.approx(12.0)
    assert (acme.submitted, acme.approved, acme.rejected, acme.withdrawn) == (6, 3, 1, 1)
    assert acme.median_approval_hours == pytest.approx(24.0)
    assert acme.win_rate == pytest.approx(0.5)
    assert acme.idle_days == 5
    assert (acme.checkins_posted, acme.checkins_answered) == (4, 2)
    assert acme.answer_rate == pytest.approx(0.5)
    assert (acme.recent_checkins, acme.missed_checkins) == (2, 2)
    assert acme.flagged_currencies == ["GBP"]

    assert beta.pipeline == Money(5_000_000, {}) and beta.pipeline_at_start == Money(9_000_000, {})
    assert beta.target is None and beta.target_pct is None
    assert beta.won_count == 0 and beta.lost_count == 1 and beta.win_rate == 0.0
    assert beta.median_approval_hours is None
    assert beta.idle_days == 117
    assert beta.answer_rate is None and beta.recent_checkins == 0

    assert gamma.target == Money(5_500_000, {}) and gamma.won == Money(1_000_000, {})
    assert gamma.target_pct == pytest.approx(100 * 10_000 / 55_000)
    assert gamma.median_approval_hours == pytest.approx(14.0)


async def test_previous_quarter_sees_its_own_wins_and_pipeline(deps: Deps, world: World) -> None:
    async with deps.sessions() as session:
        kpis = await quarter_kpis(
            session, [world.acme, world.beta], Quarter(2026, 3), now=FIXED_NOW, options=OPTIONS
        )
    acme, beta = kpis[world.acme], kpis[world.beta]
    # A2 was won at 09-30 23:59 (Q3); A1 was still open when Q3 ended.
    assert acme.won == Money(500_000, {}) and acme.won_count == 1
    assert acme.pipeline == Money(1_000_000, {}) and acme.pipeline_count == 1
    assert (acme.submitted, acme.approved, acme.rejected) == (2, 2, 0)
    assert acme.median_approval_hours == pytest.approx(36.0)  # 48 h and 24 h
    assert acme.target is None
    assert beta.pipeline == Money(9_000_000, {}) and beta.submitted == 2


def test_a_currency_without_a_rate_is_flagged_not_summed() -> None:
    money = convert({"USD": 100, "EUR": 1000, "JPY": 5}, {"EUR": Decimal("1.1")}, "USD")
    assert money == Money(1200, {"JPY": 5}) and money.flagged
    assert convert({}, {}, "USD") == Money(0, {})
