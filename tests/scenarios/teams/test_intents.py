"""Plain words in a Teams personal chat: a sentence opens the registration form
prefilled, "show me my deals" lists it, "we won DR-1" opens the won form for its own
partner only, and a question about how things work is a question."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.deps import Deps
from storage import partners as partner_store
from storage import people as people_store
from tests.scenarios.teams.fakes import ALICE, BOB, GUEST, Sent, TeamsDriver

VALUES = {"products": "Platform", "stage": "qualified"}


@pytest.fixture
async def world(deps: Deps, teams: TeamsDriver) -> None:
    """Acme (rep BOB) and Beta (rep GUEST), both owned by ALICE."""
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        for partner_name, user in (("Acme", BOB), ("Beta", GUEST)):
            partner = await partner_store.add_partner(session, partner_name, manager_id=alice.id)
            await people_store.upsert_person(
                session, "teams", user.id, name=user.name, partner_id=partner.id
            )


def _form_card(sent: list[Sent], submit: str) -> Sent:
    return next(s for s in reversed(sent) if s.card and submit in str(s.card.get("actions")))


def _inputs(card: Sent) -> dict[str, Any]:
    return {e["id"]: e for e in card.card["body"] if "id" in e}  # type: ignore[index]


async def test_a_sentence_registers_and_other_sentences_act_on_it(
    teams: TeamsDriver, world: None
) -> None:
    teams.mark()
    await teams.personal("Hi, I want to register Acme Corp, acme.com, 50k, closing in Q2", user=BOB)
    form = _form_card(await teams.wait_for(1), "Register")
    inputs = _inputs(form)
    assert inputs["company"]["value"] == "Acme Corp" and inputs["domain"]["value"] == "acme.com"
    assert inputs["value"]["value"] == "50000 USD" and inputs["close_date"]["value"] == "2027-06-30"

    teams.mark()
    data = {**dict(form.buttons[0]["data"]), **{k: v["value"] for k, v in inputs.items()
            if v.get("value")}, **VALUES}  # fmt: skip
    await teams.submit(data, reply_to=form.id, conversation=form.conversation_id, user=BOB)
    [confirmation] = await teams.wait_for(1)
    assert "DR-000001" in confirmation.shown

    teams.mark()
    await teams.personal("show me my deals", user=BOB)
    shown = "\n".join(s.shown for s in await teams.wait_for(2))
    assert "DR-000001" in shown and "acme.com" in shown

    teams.mark()
    await teams.personal("we won DR-1!", user=BOB)
    won = _form_card(await teams.wait_for(1), "Mark won")
    assert "DR-000001" in won.shown or "won" in won.shown

    teams.mark()
    await teams.personal("we won DR-000001", user=GUEST)  # another partner's registration
    [refused] = await teams.wait_for(1)
    assert "couldn't find that registration" in refused.shown


async def test_a_question_about_deals_is_answered_from_the_docs(
    teams: TeamsDriver, world: None
) -> None:
    teams.mark()
    await teams.personal("how does deal protection work?", user=BOB)
    [answer] = await teams.wait_for(1)
    assert "documentation" in answer.shown and "Customer company" not in str(answer.card)
