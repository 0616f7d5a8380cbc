"""A minimal fake Slack Web API for benchmarks: answers `ok`, counts what arrives."""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from urllib.parse import parse_qsl

from aiohttp import web

#: The first team id slackload generates, so its users count as home-workspace people.
HOME_TEAM = "T0A000000"


class BenchSlackApi:
    """Serves /api/<method> on 127.0.0.1 (ephemeral port); `arrivals[method]` holds the
    monotonic arrival time of each call."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}
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

    def _record(self, method: str) -> None:
        self.counts[method] += 1
        self.arrivals.setdefault(method, []).append(time.monotonic())

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
        self._record(method)
        if str(params.get("text", "")).startswith("Sorry, something went wrong"):
            self._record("apology")
        ts = f"1700000000.{next(self._ts):06d}"
        body: dict[str, object] = {"ok": True}
        if method == "auth.test":
            body.update(team_id=HOME_TEAM, user_id="U0BENCHBOT", bot_id="B0BENCH", team="Bench")
        elif method == "chat.postMessage":
            body.update(channel=params.get("channel"), ts=ts)
        elif method == "chat.postEphemeral":
            body.update(message_ts=ts)
        elif method == "conversations.open":
            body.update(channel={"id": f"D0{params.get('users', 'X')}"})
        return web.json_response(body)
