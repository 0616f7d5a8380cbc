"""Knowledge answers through the real Teams adapter: a question in personal chat gets
a card with the answer, numbered sources and feedback buttons; a click records the
feedback once and thanks the clicker; a restricted document stays hidden."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.knowledge.ask import HEDGED
from handlers.knowledge.ingest import ingest
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage import people as people_store
from tests.handlers.kb_world import (
    HEDGED_QUESTION,
    HEDGED_SOURCE,
    SAMPLE,
    ingest_hedged_pages,
)
from tests.scenarios.teams.fakes import BOB, GUEST, TeamsDriver


async def _world(deps: Deps) -> None:
    """The sample knowledge base; BOB is a rep of Acme (silver)."""
    await ingest(deps, [SAMPLE])
    async with deps.sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme", tier="silver")
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=partner.id
        )


async def test_question_in_personal_chat_gets_a_card_with_sources(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    assert await teams.personal("does single sign on work with okta?", user=BOB) < 300
    [answer] = await teams.wait_for(1)
    assert "Okta" in answer.shown
    assert "[1]" in answer.shown and "Security and Compliance" in answer.shown
    titles = [b.get("title") for b in answer.buttons]
    assert titles == ["Helpful", "Not helpful"]

    teams.mark()
    await teams.click(answer, "Helpful", user=BOB)
    replies = await teams.wait_for(1)
    assert any("Thanks" in sent.shown for sent in replies)
    async with deps.sessions() as session:
        [question] = await question_store.list_questions(session)
        rows = await question_store.list_feedback(session, question.id)
    assert [r.helpful for r in rows] == [True]


async def test_restricted_pricing_is_not_shown_to_a_silver_partner(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await teams.personal("what discount do partners get on list price?", user=BOB)
    [answer] = await teams.wait_for(1)
    assert "Partner Pricing" not in answer.shown
    assert "20%" not in answer.shown and "30%" not in answer.shown


async def test_unanswerable_question_says_so_and_offers_the_manager(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await teams.personal("can we pay the invoice in bitcoin?", user=GUEST)
    [answer] = await teams.wait_for(1)
    assert "couldn't find" in answer.shown
    assert [b.get("title") for b in answer.buttons] == ["Ask my channel manager"]


async def test_a_declined_question_names_the_closest_page(teams: TeamsDriver, deps: Deps) -> None:
    await _world(deps)
    await teams.personal("how long is the penetration test summary valid?", user=BOB)
    [answer] = await teams.wait_for(1)
    assert "couldn't find" in answer.shown
    assert "Closest pages: Security and Compliance" in answer.shown


async def test_an_answer_from_a_next_ranked_page_carries_its_warning(
    teams: TeamsDriver, deps: Deps
) -> None:
    await _world(deps)
    await ingest_hedged_pages(deps)
    await teams.personal(HEDGED_QUESTION, user=BOB)
    [answer] = await teams.wait_for(1)
    assert f"⚠ {HEDGED}" in answer.shown
    assert "[1]" in answer.shown and HEDGED_SOURCE in answer.shown
    assert [b.get("title") for b in answer.buttons] == ["Helpful", "Not helpful"]
