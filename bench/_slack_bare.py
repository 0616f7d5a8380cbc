"""A bare slack-bolt AsyncApp that only acks `/partnerbot`: the benchmark's baseline.
With --answer FILE it acks with the message in FILE instead (JSON: text, blocks,
response_type), which shows what bolt alone pays to answer with that message.

Run: python bench/_slack_bare.py --port P --api-url URL --secret S [--default-mode]
     [--answer FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument(
        "--default-mode", action="store_true", help="bolt's default process_before_response=False"
    )
    parser.add_argument("--answer", type=Path, help="ack with this message (JSON)")
    args = parser.parse_args()
    answer = json.loads(args.answer.read_text()) if args.answer else None
    logging.basicConfig(level=logging.WARNING)
    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=args.api_url),
        signing_secret=args.secret,
        process_before_response=not args.default_mode,
    )

    @bolt.command("/partnerbot")
    async def ack_only(ack: AsyncAck) -> None:
        if answer is None:
            await ack()
        else:
            await ack(answer["text"], blocks=answer["blocks"], response_type="ephemeral")

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
