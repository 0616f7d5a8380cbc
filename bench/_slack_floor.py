"""The raw floor under the bare bolt app: an aiohttp handler that checks the Slack
signature, parses the body, acks, and then makes the same Web API calls as
bench/_slack_bare.py --calls does (same file), with one aiohttp session. No bolt, no
slack_sdk: what the work costs on this machine before any framework.

Run: python bench/_slack_floor.py --port P --api-url URL --secret S --calls FILE
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

HTTP = web.AppKey("http", aiohttp.ClientSession)


def path_of(body: dict[str, Any]) -> str:
    """Which interactive path a parsed Slack body takes (bench/_slack_bare.py's)."""
    if "command" in body:
        return "register"
    kind = body.get("type")
    return {"view_submission": "submit", "block_actions": "approve"}.get(str(kind), "thread")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--calls", type=Path, required=True)
    args = parser.parse_args()
    calls: dict[str, list[dict[str, Any]]] = json.loads(args.calls.read_text())
    secret = args.secret.encode()
    auth = {"Authorization": "Bearer xoxb-bench"}
    running: set[asyncio.Task[None]] = set()

    async def replay(http: aiohttp.ClientSession, path: str, trigger_id: Any) -> None:
        for call in calls.get(path, ()):
            body = call["json"]
            if call["method"] == "views.open" and body is not None:
                body = {**body, "trigger_id": trigger_id}
            async with http.post(
                args.api_url + call["method"],
                json=body,
                data=call["data"],
                params=call["params"],
                headers=auth,
            ) as response:
                answer = await response.json()
            if not answer.get("ok"):
                raise RuntimeError(f"{call['method']}: {answer}")

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        base = b"v0:" + timestamp.encode() + b":" + raw
        expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
        signature = request.headers.get("X-Slack-Signature", "")
        if not (
            timestamp.isdigit()
            and abs(time.time() - int(timestamp)) < 300
            and hmac.compare_digest(expected, signature)
        ):
            return web.json_response({"error": "invalid request"}, status=401)
        if request.content_type == "application/json":
            body = json.loads(raw)
        else:
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            body = json.loads(form["payload"]) if "payload" in form else form
        task = asyncio.get_running_loop().create_task(
            replay(request.app[HTTP], path_of(body), body.get("trigger_id"))
        )
        running.add(task)
        task.add_done_callback(running.discard)
        return web.Response(status=200)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def one_session(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            app[HTTP] = session
            yield

    app = web.Application()
    app.cleanup_ctx.append(one_session)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
