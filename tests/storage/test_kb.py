"""Knowledge-base storage: the full-text index follows the passages in the same
transaction, the audience filter is part of the query, feedback is once per person."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from storage import kb as kb_store
from storage import kb_questions as question_store
from storage import people as people_store
from storage.engine import SessionFactory
from storage.kb_search import Access, fts_matches, fts_row_count, search_passages
from tests.conftest import FIXED_NOW

ROOT = "/docs"


async def store(sessions: SessionFactory, source: str, *bodies: str, audience=None) -> None:
    async with sessions() as session, session.begin():
        await kb_store.replace_document(
            session,
            ROOT,
            source,
            title=source.title(),
            content_hash=str(hash(bodies)),
            audience=audience,
            passages=[kb_store.PassageIn(source, "Section", body) for body in bodies],
            now=FIXED_NOW,
        )


async def test_index_follows_insert_replace_delete(sessions: SessionFactory) -> None:
    await store(sessions, "sso", "Single sign-on supports SAML and OpenID Connect.")
    await store(sessions, "pricing", "Gold partners get a discount.")
    async with sessions() as session:
        assert len(await fts_matches(session, "saml")) == 1
        assert await fts_row_count(session) == await kb_store.count_passages(session) == 2

    await store(sessions, "sso", "Single sign-on works with Okta.", "SCIM provisioning too.")
    async with sessions() as session:
        assert await fts_matches(session, "saml") == []
        assert len(await fts_matches(session, "okta")) == 1
        assert await kb_store.count_passages(session) == 3

    async with sessions() as session, session.begin():
        assert await kb_store.delete_documents(session, ROOT, ["sso"]) == 1
    async with sessions() as session:
        assert await fts_matches(session, "okta") == []
        assert await kb_store.count_passages(session) == 1


async def test_a_rolled_back_document_leaves_no_index_entries(sessions: SessionFactory) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await kb_store.replace_document(
                session,
                ROOT,
                "half",
                title="Half",
                content_hash="x",
                audience=None,
                passages=[kb_store.PassageIn("Half", "", "Quarterly roadmap webinar")],
                now=FIXED_NOW,
            )
            raise RuntimeError("interrupted")
    async with sessions() as session:
        assert await fts_matches(session, "webinar") == []
        assert await kb_store.count_passages(session) == 0


async def test_search_ranks_title_matches_and_filters_by_audience(
    sessions: SessionFactory,
) -> None:
    await store(sessions, "discounts", "Partner discounts by tier.", audience=["Gold", "platinum"])
    await store(sessions, "overview", "The product has discounts for students.")
    async with sessions() as session:
        silver = await search_passages(session, ["discounts"], access=Access(tier="silver"))
        gold = await search_passages(session, ["discounts"], access=Access(tier="gold"))
        nobody = await search_passages(session, ["discounts"], access=Access(tier=None))
        staff = await search_passages(session, ["discounts"], access=Access(staff=True))
        rows = await kb_store.get_passages(session, [hit.passage_id for hit in staff])
    assert len(silver) == len(nobody) == 1
    assert len(gold) == len(staff) == 2
    # The document titled "Discounts" outranks a body-only mention.
    assert rows[staff[0].passage_id].source == "discounts"


async def test_search_ignores_query_syntax(sessions: SessionFactory) -> None:
    await store(sessions, "sso", "Single sign-on supports SAML.")
    async with sessions() as session:
        hits = await search_passages(
            session, ['"', "saml", "NEAR(", "*", "a:b"], access=Access(staff=True)
        )
    assert len(hits) == 1


async def test_feedback_is_recorded_once_per_person(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        person = await people_store.upsert_person(session, "slack", "U1", name="Una")
        question = await question_store.add_question(
            session,
            "is it SOC 2?",
            person_id=person.id,
            partner_id=None,
            answer="Yes [1]",
            grounded=True,
            sources=[],
            platform="slack",
            channel_id="C1",
            thread_id="1.0",
            now=FIXED_NOW,
        )
        first = await question_store.add_feedback(
            session, question.id, person_id=person.id, helpful=True, now=FIXED_NOW
        )
        again = await question_store.add_feedback(
            session, question.id, person_id=person.id, helpful=False, now=FIXED_NOW
        )
        rows = await question_store.list_feedback(session, question.id)
    assert (first, again) == (True, False)
    assert [row.helpful for row in rows] == [True]

    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(
                question_store.QuestionFeedback(
                    question_id=question.id, person_id=person.id, helpful=False, at=FIXED_NOW
                )
            )


def test_fence_audience() -> None:
    assert kb_store.fence_audience(["Gold", " platinum ", "gold"]) == ",gold,platinum,"
    assert kb_store.fence_audience([]) is None
    assert kb_store.fence_audience(None) is None
