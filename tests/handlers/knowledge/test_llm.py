"""The LLM path, through the real `openai` client against a local fake server that
speaks the OpenAI HTTP API: the prompt carries the question and the passages, the
answer's [n] markers map back to sources, and a refusal is passed through."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from handlers.deps import Deps
from handlers.knowledge.answer import DONT_KNOW
from handlers.knowledge.ask import answer_question
from handlers.knowledge.written import REFUSAL
from storage.kb_search import Access
from tests.handlers.kb_world import GOLD_REP, ask, build_world
from tests.handlers.knowledge.fake_openai import FakeOpenAI


@pytest.fixture
async def llm_deps(deps: Deps, fake_openai: tuple[FakeOpenAI, str]) -> AsyncIterator[Deps]:
    client = AsyncOpenAI(base_url=fake_openai[1], api_key="test", max_retries=0)
    yield dataclasses.replace(deps, llm=client)
    await client.close()


async def test_the_llm_answers_from_the_passages_and_cites_them(
    llm_deps: Deps, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    await build_world(llm_deps)
    # The model cites the second passage it was shown; that becomes source [1].
    fake.replies.append("Yes, SAML 2.0 and OpenID Connect are supported [2].")
    question = "does sso support saml?"
    access = Access(staff=True)
    answer, retrieval = await answer_question(llm_deps, question, access=access)
    prompt = fake.prompt
    assert question in prompt
    first_two = [item.passage for item in retrieval.passages[:2]]
    assert f"[1] {first_two[0].doc_title}" in prompt
    assert first_two[1].body.strip()[:60] in prompt
    assert fake.requests[-1]["model"] == llm_deps.settings.openai_model
    assert answer.grounded
    assert answer.text == "Yes, SAML 2.0 and OpenID Connect are supported [1]."
    assert [c.source_id for c in answer.citations] == [first_two[1].source]


async def test_a_refusal_passes_through_as_i_dont_know(
    llm_deps: Deps, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    await build_world(llm_deps)
    fake.replies.append(REFUSAL)
    [reply] = await ask(llm_deps, GOLD_REP, "is lumora certified for ISO 27001?")
    assert "ISO 27001" in fake.prompt
    assert reply.text == DONT_KNOW
    assert reply.citations == () and reply.warning
    assert reply.buttons[0].label == "Ask my channel manager"


async def test_when_the_llm_fails_the_answer_is_extractive(
    llm_deps: Deps, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    await build_world(llm_deps)
    fake.fail_with = 500
    answer, _ = await answer_question(llm_deps, "is lumora soc 2 certified?", access=Access())
    assert fake.requests  # the model was asked first
    assert answer.grounded and "SOC 2 Type II" in answer.text
    assert answer.citations[0].source_id == "security.md"


async def test_the_model_judges_whether_the_passages_state_the_answer(
    llm_deps: Deps, fake_openai: tuple[FakeOpenAI, str]
) -> None:
    fake, _ = fake_openai
    await build_world(llm_deps)
    staff = Access(staff=True)
    # Passages on the topic that the extractive rule would quote, but that do not state
    # the answer: the model says it doesn't know, and so does the bot.
    question = "does sso work with okta?"
    extractive, _ = await answer_question(
        dataclasses.replace(llm_deps, llm=None), question, access=staff
    )
    assert extractive.grounded
    fake.replies.append(REFUSAL)
    answer, _ = await answer_question(llm_deps, question, access=staff)
    assert "state the answer" in fake.prompt and REFUSAL in fake.prompt
    assert (answer.grounded, answer.text, answer.citations) == (False, DONT_KNOW, ())
    # And when the passages do state it, the model's cited answer stands even where the
    # word-overlap rule alone would have declined.
    fake.replies.append("Yes: single sign-on works with Okta [1].")
    terse = "our healthcare client wonders if okta federation works"
    lexical, found = await answer_question(
        dataclasses.replace(llm_deps, llm=None), terse, access=staff
    )
    assert not lexical.grounded and found.passages
    judged, _ = await answer_question(llm_deps, terse, access=staff)
    assert judged.grounded and judged.citations
