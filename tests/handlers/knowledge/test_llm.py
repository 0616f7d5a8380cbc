"""The LLM path, through the real `openai` client against a local fake server that
speaks the OpenAI HTTP API: the prompt carries the question and the passages, the
answer's [n] markers map back to sources, and a refusal is passed through."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from openai import AsyncOpenAI

from handlers.deps import Deps
from handlers.knowledge.answer import DONT_KNOW, REFUSAL
from handlers.knowledge.ask import answer_question
from storage.kb_search import Access
from tests.handlers.kb_world import GOLD_REP, ask, build_world


class FakeOpenAI:
    """Answers POST /v1/chat/completions with scripted replies; records each request."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.fail_with is not None:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        content = self.replies.pop(0)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    @property
    def prompt(self) -> str:
        return str(self.requests[-1]["messages"][-1]["content"])


@pytest.fixture
async def fake_openai() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/v1"
    await runner.cleanup()


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
