"""The digest through the real Teams adapter: `digest now` in the manager's 1:1 chat
shows the digest and an approval card (both valid Adaptive Cards 1.5), and the card's
Approve (an Action.Submit through /api/messages) decides the registration."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.handlers.digests.kpi_world import at, seed_deal
from tests.scenarios.teams.fakes import ALICE, CHANNEL_ID, TeamsDriver

SCHEMA = (
    Path(__file__).resolve().parents[3].parent / "shared" / "schemas" / "adaptive-card-1.5.json"
)


async def test_digest_now_and_its_approve_button(teams: TeamsDriver, deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", manager_id=alice.id)
        await partner_store.link_channel(session, acme, platform="teams", channel_id=CHANNEL_ID)
        await seed_deal(session, acme.id, "Globex", submitted=at(11, 25), value=40_000)

    teams.mark()
    await teams.personal("partnerbot digest now", user=ALICE)
    sent = await teams.wait_for(2)
    validator = jsonschema.Draft6Validator(json.loads(SCHEMA.read_text()))
    for message in sent:
        assert message.card is not None
        assert list(validator.iter_errors(message.card)) == []
    assert any("Your digest" in s.shown for s in sent)
    card = next(s for s in sent if "Approve" in str(s.buttons))

    teams.mark()
    await teams.click(card, "Approve", user=ALICE)
    await teams.wait_for(1)
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "approved"
