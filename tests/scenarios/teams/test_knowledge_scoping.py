"""Knowledge answers stay with the partner they were given to (issue #9, items 2 and 3),
through the real Teams adapter: card data comes from the client, so a question id in
it is honoured only for the person or partner who asked; a manager asking in a
partner's channel is answered at that partner's tier."""

from __future__ import annotations

import json

from handlers.deps import Deps
from handlers.knowledge.ingest import ingest
from storage import outbox as outbox_store
from storage import partners as partner_store
from storage import people as people_store
from tests.handlers.kb_world import SAMPLE
from tests.scenarios.teams.fakes import ALICE, BOB, CHANNEL_ID, TeamsDriver, TeamsUser

GOLDIE = TeamsUser("29:goldie", "Goldie Rep", "aad-goldie")
GOLD_ONLY = ("20%", "30%", "Partner Pricing")


async def _world(deps: Deps) -> None:
    """The sample KB; GOLDIE is a rep of Goldco (gold, owned by ALICE), BOB of Acme
    (bronze, in CHANNEL_ID, owned by ALICE)."""
    await ingest(deps, [SAMPLE])
    async with deps.sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        gold = await partner_store.add_partner(
            session, "Goldco", tier="gold", manager_id=manager.id
        )
        bronze = await partner_store.add_partner(
            session, "Acme", tier="bronze", manager_id=manager.id
        )
        await partner_store.link_channel(session, bronze, platform="teams", channel_id=CHANNEL_ID)
        await people_store.upsert_person(
            session, "teams", GOLDIE.id, name=GOLDIE.name, partner_id=gold.id
        )
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=bronze.id
        )


async def test_card_data_with_another_partners_question_id_is_refused(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await teams.personal("what discount do gold partners get on list price?", user=GOLDIE)
    [gold_answer] = await teams.wait_for(1)
    assert "20%" in gold_answer.shown
    [helpful] = [b for b in gold_answer.buttons if b.get("title") == "Helpful"]

    teams.mark()
    await teams.submit(helpful["data"], reply_to="forged-1", user=BOB)
    replies = await teams.wait_for(1)
    for sent in replies:
        assert not any(secret in sent.shown for secret in GOLD_ONLY), sent.shown
    assert any("no longer on record" in sent.shown for sent in replies)


async def test_ask_my_manager_from_forged_card_data_tells_the_manager_nothing(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await teams.personal("can gold partners pay the invoice in bitcoin?", user=GOLDIE)
    [gold_answer] = await teams.wait_for(1)
    [ask] = [b for b in gold_answer.buttons if b.get("title") == "Ask my channel manager"]

    teams.mark()
    await teams.submit(ask["data"], reply_to="forged-2", user=BOB)
    replies = await teams.wait_for(1)
    assert any("no longer on record" in sent.shown for sent in replies)
    async with deps.sessions() as session:
        queued = await outbox_store.list_outbox(session)
    assert not [m for m in queued if "bitcoin" in json.dumps(m.payload)]


async def test_a_manager_asking_in_a_bronze_channel_gets_a_bronze_answer(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await teams.channel("ask what discount do gold partners get on list price?", user=ALICE)
    replies = await teams.wait_for(1)
    for sent in replies:
        assert not any(secret in sent.shown for secret in GOLD_ONLY), sent.shown
