"""Reading a person in place, and telling beforehand whether an upsert would write."""

from __future__ import annotations

import pytest

from storage import partners, people
from storage.engine import SessionFactory

CHANGES = [
    {},
    {"name": "Nia"},
    {"name": "Nia Obi"},
    {"seems_external": False},
    {"seems_external": True},
    {"dm_channel_id": "D1"},
    {"dm_channel_id": "D2"},
]
#: (role, is_external) of the stored person
STARTS = [("partner_rep", False), ("partner_rep", True), ("manager", False)]


@pytest.mark.parametrize("start", STARTS, ids=lambda s: f"{s[0]},external={s[1]}")
@pytest.mark.parametrize(
    "change", CHANGES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items())
)
async def test_record_would_change_agrees_with_record_seen(
    sessions: SessionFactory, change: dict[str, object], start: tuple[str, bool]
) -> None:
    role, external = start
    async with sessions() as session, session.begin():
        await people.upsert_person(
            session, "slack", "U1", name="Nia", dm_channel_id="D1", role=role, is_external=external
        )
    async with sessions() as session:
        known = await people.read_person_in_place(session, "slack", "U1", channel_id=None)
    assert known is not None
    predicted = people.record_would_change(known, **change)  # type: ignore[arg-type]

    async with sessions() as session, session.begin():
        await people.record_seen(session, "slack", "U1", **change)  # type: ignore[arg-type]
    async with sessions() as session:
        after = await people.read_person_in_place(session, "slack", "U1", channel_id=None)
    assert predicted == (after != known)
    assert after is not None and after.role == role  # a request never changes a role
    assert after.is_external >= external  # ... and never makes anyone internal


async def test_a_person_is_read_with_their_partner_and_the_channels(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        globex = await partners.add_partner(session, "Globex")
        await partners.link_channel(session, globex, platform="slack", channel_id="C-globex")
        await people.upsert_person(session, "slack", "U1", name="Nia", partner_id=acme.id)
    async with sessions() as session:
        in_globex = await people.read_person_in_place(session, "slack", "U1", channel_id="C-globex")
        elsewhere = await people.read_person_in_place(session, "slack", "U1", channel_id="C-x")
        stranger = await people.read_person_in_place(session, "slack", "U9", channel_id="C-x")
    assert in_globex is not None and elsewhere is not None and stranger is None
    assert (in_globex.partner_name, in_globex.channel_partner_name) == ("Acme", "Globex")
    assert (elsewhere.partner_name, elsewhere.channel_partner_id) == ("Acme", None)
