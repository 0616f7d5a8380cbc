"""The chat model picks the intent by tool calling (a local fake chat-completions
server, through the real `openai` client); its arguments are checked, and any API
error falls back to the offline matcher."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from openai import AsyncOpenAI

from handlers.deps import Deps
from handlers.intents.choose import TOOLS, choose_intent


class FakeToolModel:
    """POST /v1/chat/completions: answers with the scripted tool call (name, arguments)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.fail_with is not None:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        name, arguments = self.calls.pop(0)
        call = {
            "id": "call_1",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            }
        )


@pytest.fixture
async def model(deps: Deps) -> AsyncIterator[tuple[FakeToolModel, Deps]]:
    fake = FakeToolModel()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="test", max_retries=0)
    yield fake, dataclasses.replace(deps, llm=client)
    await client.close()
    await runner.cleanup()


async def test_the_model_chooses_over_the_command_table(
    model: tuple[FakeToolModel, Deps],
) -> None:
    fake, deps = model
    fake.calls.append(("extend_deal", {"ref": "dr-12"}))
    match = await choose_intent("could we get more time on twelve?", deps)
    assert (match.intent, match.slots, match.confident) == (
        "extend_deal",
        {"ref": "DR-000012"},
        True,
    )
    [request] = fake.requests
    assert {t["function"]["name"] for t in request["tools"]} == set(TOOLS)
    assert request["messages"][-1]["content"] == "could we get more time on twelve?"


async def test_arguments_outside_the_table_are_dropped(model: tuple[FakeToolModel, Deps]) -> None:
    fake, deps = model
    fake.calls.append(("list_deals", {"status": "everything", "extra": "x"}))
    assert (await choose_intent("my stuff", deps)).slots == {}
    fake.calls.append(("delete_everything", {}))
    assert (await choose_intent("show me my deals", deps)).intent == "list_deals"  # offline


async def test_an_api_error_falls_back_to_the_offline_matcher(
    model: tuple[FakeToolModel, Deps],
) -> None:
    fake, deps = model
    fake.fail_with = 500
    match = await choose_intent("can we extend DR-000012?", deps)
    assert (match.intent, match.slots) == ("extend_deal", {"ref": "DR-000012"})
    assert (await choose_intent("how does deal protection work?", deps)).intent == "ask"
