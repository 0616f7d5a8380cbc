"""The digest through the real Teams adapter: `digest now` in the manager's 1:1 chat
shows the digest and an approval card (both valid Adaptive Cards 1.5), and the card's
Approve (an Action.Submit through /api/messages) decides the registration."""

from __future__ import annotations

from typing import Any

from handlers.deps import Deps
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.handlers.digests.kpi_world import at, seed_deal
from tests.scenarios.teams.fakes import ALICE, CHANNEL_ID, TeamsDriver


async def test_digest_now_and_its_approve_button(
    teams: TeamsDriver, deps: Deps, adaptive_card_validator: Any
) -> None:
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
    validator = adaptive_card_validator
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
