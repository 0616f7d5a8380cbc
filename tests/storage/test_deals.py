"""Deal storage: the 0003 migration both ways, indexed conflict lookups, one row per key."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import deal_conflicts
from storage import deals as deal_store
from storage import partners as partner_store
from storage.engine import SessionFactory
from storage.house_accounts import upsert_house_accounts
from storage.migrate import alembic_config
from tests.conftest import FIXED_NOW


def _deal(
    partner_id: int, key: str, domain: str, company: str, status: str = "pending"
) -> deal_store.Deal:
    return deal_store.Deal(
        partner_id=partner_id,
        idempotency_key=key,
        company=company,
        company_key=company.lower(),
        company_prefix=company.lower()[:4],
        domain=domain,
        value_cents=100,
        currency="USD",
        close_date=date(2027, 1, 1),
        products=["Platform"],
        stage="qualified",
        status=status,
        conflict_with=[],
        submitted_at=FIXED_NOW,
        updated_at=FIXED_NOW,
        extensions_granted=0,
    )


async def test_migration_0003_downgrades_and_upgrades(engine: AsyncEngine) -> None:
    def tables(connection: object) -> set[str]:
        return set(inspect(connection).get_table_names())  # type: ignore[arg-type]

    def migrate(connection: object, direction: str, revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(migrate, "downgrade", "0002")
        assert not {"deals", "deal_events", "house_accounts"} & await conn.run_sync(tables)
        await conn.run_sync(migrate, "upgrade", "head")
        assert {"deals", "deal_events", "house_accounts"} <= await conn.run_sync(tables)


async def test_conflict_lookup_reads_by_index_in_one_query(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme")
        await deal_store.add_deal(session, _deal(partner.id, "k1", "acme.com", "Acme"))
        await deal_store.add_deal(session, _deal(partner.id, "k2", "acme.io", "Acme Labs"))
        await deal_store.add_deal(session, _deal(partner.id, "k3", "acme.com", "Acme", "lost"))
        await upsert_house_accounts(session, [("acme.com", "Acme Direct", "Sam")], now=FIXED_NOW)
    async with sessions() as session:
        found = await deal_conflicts.lookup_conflicts(session, domain="acme.com", prefix="acme")
        plans = await deal_conflicts.explain_conflict_queries(
            session, domain="acme.com", prefix="acme"
        )
    assert [c.id for c in found.candidates] == [1, 2]  # the lost one is not active
    assert found.house_account == "Acme Direct"
    plan = "\n".join(plans["conflict lookup"])
    assert "ix_deals_domain_status" in plan and "ix_deals_company_prefix_status" in plan
    assert "SCAN deals" not in plan and "Seq Scan" not in plan


async def test_the_lean_conflict_lookup_returns_the_core_rows(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme")
        for i in range(5):
            await deal_store.add_deal(session, _deal(partner.id, f"k{i}", f"acme{i}.io", "Acme"))
        await deal_store.add_deal(session, _deal(partner.id, "d", "acme.com", "Acme Direct"))
        await upsert_house_accounts(session, [("acme.com", "Acme Direct", "Sam")], now=FIXED_NOW)
    params = {"domain": "acme.com", "prefix": "acme"}
    async with sessions() as session:
        stmt = deal_conflicts.candidates_stmt(3)
        core = [tuple(row) for row in (await session.execute(stmt, params)).all()]
        lean = await deal_conflicts._lean_candidates(3).rows(session, params)
        found = await deal_conflicts.lookup_conflicts(
            session, domain="acme.com", prefix="acme", limit=3
        )
    assert sorted(lean) == sorted(core)
    assert len(core) == 1 + 3 + 1  # the domain's deal, 3 by prefix (the limit), the house
    assert found.house_account == "Acme Direct"
    assert [c.domain for c in found.candidates].count("acme.com") == 1


async def test_an_idempotency_key_is_stored_once(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme")
        await deal_store.add_deal(session, _deal(partner.id, "same", "acme.com", "Acme"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await deal_store.add_deal(session, _deal(partner.id, "same", "other.com", "Other"))
    async with sessions() as session:
        assert await deal_store.count_deals(session) == 1
