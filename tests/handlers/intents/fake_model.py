"""A local fake of the OpenAI chat-completions API that answers with tool calls, for
the real `openai` client: the registration tool gets the scripted arguments, any
other request (the intent choice) calls the scripted intent. Every request is kept;
it can fail with a status, answer slowly, or answer with text instead of a call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from handlers.intents.extract import TOOL


class FakeModel:
    """Scripted tool calls over HTTP on 127.0.0.1 (an ephemeral port)."""

    def __init__(self) -> None:
        self.intent = "register_deal"
        self.extracted: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None
        self.delay = 0.0
        self.text_only = False
        self.url = ""

    @property
    def extraction_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if _tools(r) == [TOOL]]

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            return web.json_response({"error": {"message": "down"}}, status=self.fail_with)
        if _tools(body) == [TOOL]:
            name, arguments = TOOL, self.extracted.pop(0)
        else:
            name, arguments = self.intent, {}
        raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": raw}}
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        if self.text_only:
            message = {"role": "assistant", "content": "Sure! Acme Corp, acme.com."}
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            }
        )


def _tools(body: dict[str, Any]) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools") or []]


@asynccontextmanager
async def serving() -> AsyncIterator[FakeModel]:
    """The fake on an ephemeral port; `fake.url` is its base URL (…/v1)."""
    fake = FakeModel()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()
