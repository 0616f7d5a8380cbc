"""A submission's context and conflict candidates read in one statement are what the
two reads apart return (issue 15)."""

from __future__ import annotations

from storage import deal_conflicts, deal_reads, people, submit_reads
from storage import deals as deal_store
from storage import partners as partner_store
from storage.engine import SessionFactory
from storage.house_accounts import upsert_house_accounts
from tests.conftest import FIXED_NOW
from tests.storage.test_deal_reads import submit_context_columns
from tests.storage.test_deals import _deal


async def test_the_submit_reads_equal_the_context_and_the_conflict_lookup(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session, session.begin():
        manager = await people.upsert_person(session, "slack", "U-mgr", name="Mo", role="manager")
        acme = await partner_store.add_partner(session, "Acme", tier="gold", manager_id=manager.id)
        await partner_store.link_channel(session, acme, platform="teams", channel_id="19:two")
        await partner_store.link_channel(session, acme, platform="slack", channel_id="C-one")
        lone = await partner_store.add_partner(session, "Lone")
        for i in range(4):
            await deal_store.add_deal(session, _deal(lone.id, f"p{i}", f"acme{i}.io", "Acme"))
        await deal_store.add_deal(session, _deal(acme.id, "k1", "acme.com", "Acme"))
        await deal_store.add_deal(session, _deal(acme.id, "k2", "acme.com", "Acme", "lost"))
        await upsert_house_accounts(session, [("acme.com", "Acme Direct", "Sam")], now=FIXED_NOW)
    cases = [
        (acme.id, "k1", "acme.com", "acme", 200),  # a used form; domain, prefix, house
        (acme.id, "new", "acme.com", "acme", 2),  # the prefix's limit
        (lone.id, "new", "other.org", "othe", 200),  # no channel, no manager, no candidate
        (lone.id, "p1", "acme9.io", "acme", 200),
        (999, "new", "acme.com", "acme", 200),  # no such partner: candidates all the same
    ]
    seen = []
    for partner_id, key, domain, prefix, limit in cases:
        async with sessions() as session:
            context = await deal_reads.get_submit_context(session, partner_id, idempotency_key=key)
            lookup = await deal_conflicts.lookup_conflicts(
                session, domain=domain, prefix=prefix, limit=limit
            )
            expected = (submit_context_columns(context), lookup)
        async with sessions() as session:
            found, combined, _ = await submit_reads.get_submit_reads(
                session, partner_id, idempotency_key=key, domain=domain, prefix=prefix, limit=limit
            )
            assert (submit_context_columns(found), combined) == expected
            if found is not None:
                assert found.partner in session and not session.dirty
            seen.append((found, combined))
    (used, _), (fresh, limited), (alone, nothing), _, (missing, same) = seen
    assert used is not None and used.existing_deal_id is not None and used.manager is not None
    assert [c.channel_id for c in used.partner.channels] == ["19:two", "C-one"]
    assert fresh is not None and fresh.existing_deal_id is None
    assert len(limited.candidates) == 1 + 2 and limited.house_account == "Acme Direct"
    assert alone is not None and alone.partner.channels == [] and alone.manager is None
    assert nothing.candidates == () and nothing.house_account is None
    assert missing is None and same.house_account == "Acme Direct"


async def test_a_session_in_use_reads_them_apart(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        acme = await partner_store.add_partner(session, "Acme")
        await deal_store.add_deal(session, _deal(acme.id, "k1", "acme.com", "Acme"))
    async with sessions() as session:
        held = await partner_store.get_partner(session, acme.id)
        found, lookup, _ = await submit_reads.get_submit_reads(
            session, acme.id, idempotency_key="k1", domain="acme.com", prefix="acme"
        )
        assert found is not None and found.partner is held and found.existing_deal_id == 1
        assert [c.domain for c in lookup.candidates] == ["acme.com"]
