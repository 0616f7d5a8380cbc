"""Creating or updating a partner by name: one rule for the chat `link` and the CLI."""

from __future__ import annotations

from storage import partners, people
from storage.engine import SessionFactory


async def test_save_partner_creates_then_updates_and_keeps_an_owned_partners_manager(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session, session.begin():
        mia = await people.upsert_person(session, "slack", "UMIA", name="Mia", role="manager")
        max_ = await people.upsert_person(session, "slack", "UMAX", name="Max", role="manager")
        acme, created = await partners.save_partner(
            session, "Acme  Corp", tier="gold", timezone="Europe/Berlin", manager_id=mia.id
        )
        assert created and (acme.name, acme.tier, acme.timezone) == (
            "Acme Corp", "gold", "Europe/Berlin",
        )  # fmt: skip
        # Another manager linking it keeps Mia; what they don't give stays as it was.
        again, created = await partners.save_partner(
            session, "acme corp", region="EMEA", manager_id=max_.id
        )
        assert not created and again.id == acme.id
        assert (again.tier, again.region, again.timezone, again.manager_id) == (
            "gold", "EMEA", "Europe/Berlin", mia.id,
        )  # fmt: skip
        # An operator's explicit reassignment takes it over.
        moved, _ = await partners.save_partner(
            session, "ACME CORP", manager_id=max_.id, take_over=True
        )
        assert moved.manager_id == max_.id
        assert await partners.count_partners(session) == 1
