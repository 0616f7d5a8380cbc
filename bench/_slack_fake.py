"""A minimal fake Slack Web API for benchmarks: answers `ok`, counts what arrives.

In-process (`BenchSlackApi`), or as a process of its own (`python bench/_slack_fake.py
[--team T]`, printing its port), which also serves `GET /bench/stats` (counts per
method, and per method and channel, the arrival time of the last call, distinct
trigger ids of views.open, the first calls since the last reset with their bodies)
and `POST /bench/reset`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

#: The first team id slackload generates, so its users count as home-workspace people.
HOME_TEAM = "T0A000000"


class BenchSlackApi:
    """Serves /api/<method> on 127.0.0.1 (ephemeral port); `arrivals[method]` holds the
    monotonic arrival time of each call."""

    #: How many calls since a reset are kept whole (method, content type, params).
    SAMPLES = 16

    def __init__(self, *, team: str = HOME_TEAM) -> None:
        self.team = team
        self.counts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}
        self.triggers: set[str] = set()
        self.places: Counter[str] = Counter()  # "<method> <channel>"
        self.samples: list[dict[str, Any]] = []
        self.last = 0.0
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{tail:.*}", self._response)
        app.router.add_get("/bench/stats", self._stats)
        app.router.add_post("/bench/reset", self._reset)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def reset(self) -> None:
        self.counts.clear()
        self.arrivals.clear()
        self.triggers.clear()
        self.places.clear()
        self.samples.clear()

    def _record(self, method: str) -> None:
        self.counts[method] += 1
        self.last = time.monotonic()
        self.arrivals.setdefault(method, []).append(self.last)

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "counts": self.counts,
                "last": self.last,
                "triggers": len(self.triggers),
                "places": self.places,
                "samples": self.samples,
            }
        )

    async def _reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    async def _response(self, request: web.Request) -> web.Response:
        await request.read()
        self._record("response_url")
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        params = json.loads(raw) if request.content_type == "application/json" and raw else {}
        if not params and raw:
            params = dict(parse_qsl(raw))
        if request.query:  # slack_sdk sends some methods' arguments as query parameters
            params = {**request.query, **params}
        self._record(method)
        if method == "views.open":
            self.triggers.add(str(params.get("trigger_id")))
        self.places[f"{method} {params.get('channel', '')}"] += 1
        if len(self.samples) < self.SAMPLES:  # as sent: JSON body, form body, query
            body_json = request.content_type == "application/json" and bool(raw)
            self.samples.append(
                {"method": method, "json": json.loads(raw) if body_json else None,
                 "data": dict(parse_qsl(raw)) if raw and not body_json else None,
                 "params": dict(request.query) or None}
            )  # fmt: skip
        if str(params.get("text", "")).startswith("Sorry, something went wrong"):
            self._record("apology")
        ts = f"1700000000.{next(self._ts):06d}"
        body: dict[str, object] = {"ok": True}
        if method == "auth.test":
            body.update(team_id=self.team, user_id="U0BENCHBOT", bot_id="B0BENCH", team="Bench")
        elif method == "chat.postMessage":
            body.update(channel=params.get("channel"), ts=ts)
        elif method == "chat.postEphemeral":
            body.update(message_ts=ts)
        elif method == "conversations.open":
            body.update(channel={"id": f"D0{params.get('users', 'X')}"})
        return web.json_response(body)


async def _serve(team: str) -> None:
    api = BenchSlackApi(team=team)
    await api.start()
    print(api.port, flush=True)  # the port, for whoever started this process
    try:
        await asyncio.Event().wait()  # until terminated
    finally:
        await api.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--team", default=HOME_TEAM, help="the team auth.test answers with")
    args = parser.parse_args()
    asyncio.run(_serve(args.team))


if __name__ == "__main__":
    main()
