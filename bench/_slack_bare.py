"""A bare slack-bolt AsyncApp: the benchmarks' baseline.

By default it only acks `/partnerbot`. With --answer FILE it acks with the message in
FILE instead (JSON: text, blocks, response_type), which shows what bolt alone pays to
answer with that message. With --calls FILE it also answers the interactive paths the
way PartnerBot does, minus PartnerBot: `/register-deal`, any view submission, any
button click and any message event are acked, and then the Web API calls FILE lists
for that path (JSON: path -> [{method, json, data, params}], as bench/_slack_fake.py
recorded them from PartnerBot) are made in order in a task; a views.open gets the
request's trigger_id.

Run: python bench/_slack_bare.py --port P --api-url URL --secret S [--default-mode]
     [--answer FILE] [--calls FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

ANY = re.compile(r".+")


def register_paths(bolt: AsyncApp, client: AsyncWebClient, calls: dict[str, Any]) -> None:
    """Listeners for /register-deal, submissions, clicks and messages: ack, then the
    recorded calls of that path."""
    running: set[asyncio.Task[None]] = set()

    def spawn(work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        running.add(task)
        task.add_done_callback(running.discard)

    async def replay(path: str, trigger_id: str | None = None) -> None:
        for call in calls.get(path, ()):
            body = call["json"]
            if call["method"] == "views.open" and body is not None:
                body = {**body, "trigger_id": trigger_id}
            await client.api_call(
                call["method"], json=body, data=call["data"], params=call["params"]
            )

    @bolt.command("/register-deal")
    async def on_register(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        spawn(replay("register", body.get("trigger_id")))

    @bolt.view(ANY)
    async def on_submit(ack: AsyncAck) -> None:
        await ack()
        spawn(replay("submit"))

    @bolt.action(ANY)
    async def on_click(ack: AsyncAck) -> None:
        await ack()
        spawn(replay("approve"))

    @bolt.event("message")
    async def on_message() -> None:
        spawn(replay("thread"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument(
        "--default-mode", action="store_true", help="bolt's default process_before_response=False"
    )
    parser.add_argument("--answer", type=Path, help="ack with this message (JSON)")
    parser.add_argument("--calls", type=Path, help="answer the interactive paths (JSON)")
    args = parser.parse_args()
    answer = json.loads(args.answer.read_text()) if args.answer else None
    logging.basicConfig(level=logging.WARNING)
    client = AsyncWebClient(token="xoxb-bench", base_url=args.api_url)
    bolt = AsyncApp(
        client=client,
        signing_secret=args.secret,
        process_before_response=not args.default_mode,
    )

    @bolt.command("/partnerbot")
    async def ack_only(ack: AsyncAck) -> None:
        if answer is None:
            await ack()
        else:
            await ack(answer["text"], blocks=answer["blocks"], response_type="ephemeral")

    if args.calls:
        register_paths(bolt, client, json.loads(args.calls.read_text()))

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def one_session(app: web.Application) -> AsyncIterator[None]:
        # One HTTP session for every Web API call, as PartnerBot has (slack_sdk would
        # open a session, and a connection, per call).
        async with aiohttp.ClientSession() as session:
            client.session = session
            yield

    app = web.Application()
    app.cleanup_ctx.append(one_session)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
