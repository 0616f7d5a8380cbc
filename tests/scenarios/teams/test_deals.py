"""Deal registration through the real Teams adapter: Bot Framework activities posted to
/api/messages, everything the bot sends captured by the fake connector."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import messages
from handlers.deps import Deps
from scheduling.outbox import deliver_due
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from tests.scenarios.teams.fakes import ALICE, BOB, CHANNEL_ID, GUEST, Sent, TeamsDriver

VALUES = {
    "company": "Acme Corp",
    "domain": "acme.com",
    "value": "50k USD",
    "close_date": "2027-03-31",
    "products": "Platform",
    "stage": "qualified",
}


@pytest.fixture
async def world(deps: Deps, teams: TeamsDriver) -> None:
    """Acme, linked to CHANNEL_ID, owned by ALICE (a manager); BOB is Acme's rep;
    GUEST belongs to another partner, Beta. The bot has met ALICE in a 1:1 chat."""
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", manager_id=alice.id)
        await partner_store.link_channel(session, acme, platform="teams", channel_id=CHANNEL_ID)
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=acme.id
        )
        beta = await partner_store.add_partner(session, "Beta", manager_id=alice.id)
        await people_store.upsert_person(
            session, "teams", GUEST.id, name=GUEST.name, partner_id=beta.id
        )
    await teams.personal("help", user=ALICE)
    await teams.personal("help", user=GUEST)


def _form_card(sent: list[Sent]) -> Sent:
    return next(s for s in reversed(sent) if s.card and "Register" in str(s.card.get("actions")))


def _data(sent: Sent) -> dict[str, Any]:
    return dict(sent.buttons[0]["data"])


async def test_register_in_a_channel_fix_errors_confirm_and_approve(
    teams: TeamsDriver, deps: Deps, world: None
) -> None:
    teams.mark()
    await teams.channel("register-deal Acme Corp acme.com 50k USD close 2027-03-31", user=BOB)
    form = _form_card(await teams.wait_for(1))
    inputs = {e["id"]: e for e in form.card["body"] if "id" in e}  # type: ignore[index]
    assert list(inputs) == [
        "company",
        "domain",
        "value",
        "close_date",
        "products",
        "stage",
        "contact",
        "notes",
    ]
    assert (
        inputs["company"]["value"] == "Acme Corp" and inputs["close_date"]["value"] == "2027-03-31"
    )

    teams.mark()
    bad = {**_data(form), **VALUES, "close_date": "2020-01-01"}
    await teams.submit(bad, reply_to=form.id, conversation=form.conversation_id, user=BOB)
    again = _form_card(await teams.wait_for(1))
    body = again.card["body"]  # type: ignore[index]
    at = next(i for i, e in enumerate(body) if e.get("id") == "close_date")
    assert "future" in body[at + 1]["text"]
    assert next(e for e in body if e.get("id") == "domain")["value"] == "acme.com"

    teams.mark()
    good = {**_data(again), **VALUES}
    await teams.submit(good, reply_to=again.id, conversation=again.conversation_id, user=BOB)
    # The confirmation is Bob's alone: it goes to a 1:1 chat the bot opens, and the
    # thread gets a pointer.
    create, confirmation, pointer = await teams.wait_for(3)
    assert "DR-000001" in confirmation.shown and confirmation.conversation_id == create.id
    assert pointer.text == messages.SENT_PRIVATELY

    teams.mark()
    await deliver_due(deps, per_channel_interval=0)
    sent = teams.since()
    thread = [s for s in sent if "DR-000001" in s.shown and "Approve" not in str(s.buttons)]
    card = next(s for s in sent if "Approve" in str(s.buttons))
    assert thread and card.conversation_id != thread[0].conversation_id

    teams.mark()
    await teams.click(card, "Approve", user=ALICE)
    await deliver_due(deps, per_channel_interval=0)
    decided = [s for s in teams.since() if "approved" in s.shown]
    assert any(CHANNEL_ID in (s.conversation_id or "") for s in decided)
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "approved"

    # Another partner's person sees nothing of it.
    teams.mark()
    await teams.personal("deals", user=GUEST)
    [answer] = await teams.wait_for(1)
    assert "No deal registrations" in answer.shown and "DR-000001" not in answer.shown


async def test_the_partner_answers_an_info_request_in_the_channel_thread(
    teams: TeamsDriver, deps: Deps, world: None
) -> None:
    teams.mark()
    await teams.channel("register-deal Acme Corp acme.com 50k USD close 2027-03-31", user=BOB)
    form = _form_card(await teams.wait_for(1))
    await teams.submit(
        {**_data(form), **VALUES}, reply_to=form.id, conversation=form.conversation_id, user=BOB
    )
    teams.mark()
    await deliver_due(deps, per_channel_interval=0)
    card = next(s for s in teams.since() if "Ask for info" in str(s.buttons))
    teams.mark()
    await teams.click(card, "Ask for info", user=ALICE)
    [question_form] = [s for s in await teams.wait_for(1) if s.card]
    await teams.submit(
        {**_data(question_form), "reason": "Who signs the contract?"},
        reply_to=question_form.id,
        conversation=question_form.conversation_id,
        user=ALICE,
    )
    teams.mark()
    await deliver_due(deps, per_channel_interval=0)
    asked = next(s for s in teams.since() if "Who signs the contract?" in s.shown)
    assert (asked.conversation_id or "").startswith(f"{CHANNEL_ID};messageid=")
    root = (asked.conversation_id or "").split(";messageid=", 1)[1]

    teams.mark()
    await teams.channel("Our CFO, Jane Roe.", thread=root, user=BOB)
    await teams.wait_for(1)
    await deliver_due(deps, per_channel_interval=0)
    assert any("Jane Roe" in s.shown for s in teams.since())
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.status == "pending"
