"""A fake Slack Web API and a driver that talks to PartnerBot exactly as Slack does.

`FakeSlackApi` is an aiohttp server on 127.0.0.1 (ephemeral port) that records every
Web API call (method + parsed params) and answers with realistic `ok` payloads. It also
serves `response_url`s (`/response/<id>`). It can be told to fail a method: a 429 with
Retry-After, a 500, or an `ok: false` error; `fail_next` queues failures to answer in
turn, `gone` makes a channel answer like one the bot was removed from, and `latency`
slows every `chat.postMessage` (to catch a process mid-drain).

A slash command is answered in its ack when the answer is for the person alone (an
ephemeral message in the HTTP response: `sent.message()`); everything else arrives at
the fake API.

`SlackDriver` signs requests with the signing secret (v0 HMAC over
`v0:{timestamp}:{body}`, as slack_sdk's SignatureVerifier checks) and POSTs them over
HTTP to the running PartnerBot server: slash commands (form-encoded), events (JSON),
button clicks and modal submissions (`payload=<JSON>`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "test-signing-secret"
HOME_TEAM = "T0HOME"
OTHER_TEAM = "T0OTHER"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0APP"


@dataclass
class Call:
    """One recorded Web API call (or response_url post: method `response_url`)."""

    method: str
    params: dict[str, Any]
    path: str = ""
    #: False when the fake answered with an error (the call delivered nothing).
    ok: bool = True

    def blocks(self) -> list[dict[str, Any]]:
        return list(self.params.get("blocks") or [])

    def block_text(self) -> str:
        """All text shown by the message's blocks, joined by newlines."""
        return "\n".join(_texts(self.blocks()))

    def buttons(self) -> dict[str, dict[str, Any]]:
        """The message's buttons by label (from its actions blocks)."""
        return {
            element["text"]["text"]: element
            for block in self.blocks()
            if block["type"] == "actions"
            for element in block["elements"]
        }


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        for value in node.values():
            if isinstance(value, dict | list):
                found.extend(_texts(value))
        return found
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None
    times: int


@dataclass
class FakeSlackApi:
    """The fake Web API. Start with `await start()`; `url` is the SLACK_API_URL."""

    calls_made: list[Call] = field(default_factory=list)
    _failures: dict[str, _Failure] = field(default_factory=dict)
    _queued: dict[str, list[_Failure]] = field(default_factory=dict)
    #: channel id -> the error `chat.postMessage` answers for it, every time.
    gone: dict[str, str] = field(default_factory=dict)
    #: seconds every `chat.postMessage` takes.
    latency: float = 0.0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    port: int = 0
    #: Socket Mode connections (the bot's WebSocket), newest last.
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_messages: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str = "1") -> str:
        return f"{self.base}/response/{key}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "fatal_error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail (429 -> `ratelimited`)."""
        if status == 429:
            error = "ratelimited"
        self._failures[method] = _Failure(status, error, retry_after, times)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "fatal_error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Queue `times` failures of `method`, answered after those queued before."""
        if status == 429:
            error = "ratelimited"
        self._queued.setdefault(method, []).append(_Failure(status, error, retry_after, times))

    def posted(self, channel: str | None = None) -> list[Call]:
        """The messages `chat.postMessage` delivered (not the calls it refused)."""
        return [
            c
            for c in self.calls_made
            if c.method == "chat.postMessage"
            and c.ok
            and (channel is None or c.params.get("channel") == channel)
        ]

    def calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls_made if method is None or c.method == method]

    def api_calls(self) -> list[Call]:
        """Every call except the one-off auth.test bolt makes to learn who it is."""
        return [c for c in self.calls_made if c.method != "auth.test"]

    async def wait_for(self, method: str, count: int = 1, *, within: float = 5.0) -> list[Call]:
        """Poll until `count` calls of `method` were recorded (bounded, then fail)."""
        deadline = time.monotonic() + within
        while len(self.calls(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s), got {[c.method for c in self.calls_made]}"
                )
            await asyncio.sleep(0.01)
        return self.calls(method)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view", "attachments"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token = request.headers.get("Authorization")
        if method == "apps.connections.open" and token == f"Bearer {APP_TOKEN}":
            self.calls_made.append(Call(method, params, request.path))
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
        if token != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        call = Call(method, params, request.path)
        self.calls_made.append(call)
        if method == "chat.postMessage" and self.latency:
            await asyncio.sleep(self.latency)
        failure = self._failure(method, params)
        if failure is not None:
            call.ok = False
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        return web.json_response(self._answer(method, params))

    def _failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        if method == "chat.postMessage" and params.get("channel") in self.gone:
            return _Failure(200, self.gone[params["channel"]], None, 1)
        failure = self._failures.get(method)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            return failure
        queued = self._queued.get(method) or []
        while queued and queued[0].times <= 0:
            queued.pop(0)
        if queued:
            queued[0].times -= 1
            return queued[0]
        return None

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then queue whatever the bot sends (its acks)."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1})
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self.socket_messages.put(json.loads(message.data))
        return ws

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        self.calls_made.append(Call("response_url", params, request.path))
        return web.Response(text="ok")

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = f"1700000000.{next(self._ts):06d}"
        answers: dict[str, Callable[[], dict[str, Any]]] = {
            "auth.test": lambda: {
                "url": "https://home.slack.com/",
                "team": "Home",
                "user": "partnerbot",
                "team_id": HOME_TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            },
            "chat.postMessage": lambda: {
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts, "bot_id": BOT_ID},
            },
            "chat.postEphemeral": lambda: {"message_ts": ts},
            "chat.update": lambda: {
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text"),
            },
            "views.open": lambda: {"view": {"id": "V0VIEW", **(params.get("view") or {})}},
            "conversations.open": lambda: {"channel": {"id": f"D0{params.get('users', 'X')}"}},
            "users.info": lambda: {
                "user": {"id": params.get("user"), "team_id": HOME_TEAM, "real_name": "Someone"}
            },
        }
        return {"ok": True, **answers.get(method, dict)()}


def sign(secret: str, body: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


@dataclass
class Sent:
    """PartnerBot's HTTP answer to one request."""

    status: int
    body: str
    content_type: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def message(self) -> dict[str, Any]:
        """The message carried in the ack (a slash command's ephemeral answer), or {}."""
        data = self.json()
        return data if isinstance(data, dict) else {}

    def block_text(self) -> str:
        return "\n".join(_texts(self.message().get("blocks", [])))


class SlackDriver:
    """Talks to the running PartnerBot as Slack would. Users default to a home-team
    person; pass `team=OTHER_TEAM` (commands) or `user_team=OTHER_TEAM` (events,
    clicks, submissions) for a Slack Connect guest.

    After sending, `await settle()` waits until the bot's background work is done
    (the Slack adapter's task set is idle), then inspect `calls(method)`.
    """

    def __init__(
        self,
        *,
        url: str,
        api: FakeSlackApi,
        session: aiohttp.ClientSession,
        settle: Callable[[], Any],
        secret: str = SIGNING_SECRET,
    ) -> None:
        self.url = url
        self.api = api
        self.secret = secret
        self._session = session
        self._settle = settle
        self._ids = itertools.count(1)

    async def settle(self) -> None:
        await self._settle()

    def fail_next(self, method: str, **failure: Any) -> None:
        """`FakeSlackApi.fail_next` on the API this driver talks to."""
        self.api.fail_next(method, **failure)

    def posted(self, channel: str | None = None) -> list[Call]:
        return self.api.posted(channel)

    def calls(self, method: str | None = None) -> list[Call]:
        return self.api.calls(method)

    async def post(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> Sent:
        """POST a raw body; signed correctly unless `signature`/`signed` say otherwise."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            sent_headers["X-Slack-Request-Timestamp"] = ts
            sent_headers["X-Slack-Signature"] = signature or sign(self.secret, body, ts)
        async with self._session.post(self.url, data=body.encode(), headers=sent_headers) as resp:
            return Sent(resp.status, await resp.text(), resp.content_type)

    async def command(
        self,
        name: str,
        text: str = "",
        *,
        user: str = "U0MANAGER",
        channel: str = "C0PARTNER",
        team: str = HOME_TEAM,
        channel_name: str = "partner-acme",
        user_name: str = "",
    ) -> Sent:
        n = next(self._ids)
        form = {
            "token": "legacy",
            "team_id": team,
            "team_domain": "home",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user_name or user.lower(),
            "command": name if name.startswith("/") else f"/{name}",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.api.response_url(f"cmd{n}"),
            "trigger_id": f"trigger.{n}",
        }
        return await self.post(urlencode(form), content_type="application/x-www-form-urlencoded")

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        shared: bool = False,
    ) -> Sent:
        envelope = {
            "token": "legacy",
            "team_id": HOME_TEAM,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "is_ext_shared_channel": shared,
            "authorizations": [
                {
                    "team_id": HOME_TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                    "enterprise_id": None,
                }
            ],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(
            json.dumps(envelope), content_type="application/json", headers=headers
        )

    def _ts(self) -> str:
        return f"1690000000.{next(self._ids):06d}"

    async def mention(
        self,
        text: str,
        *,
        user: str = "U0REP",
        channel: str = "C0PARTNER",
        user_team: str = HOME_TEAM,
        thread_ts: str | None = None,
        event_id: str | None = None,
    ) -> Sent:
        """`@PartnerBot <text>` in a channel (an app_mention event)."""
        ts = self._ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER}> {text}".strip(),
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "user_team": user_team,
            "team": HOME_TEAM,
            **({"thread_ts": thread_ts} if thread_ts else {}),
        }
        return await self.event(event, event_id=event_id, shared=user_team != HOME_TEAM)

    async def dm(
        self, text: str, *, user: str = "U0REP", channel: str = "D0REP", user_team: str = HOME_TEAM
    ) -> Sent:
        ts = self._ts()
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "user_team": user_team,
            "team": HOME_TEAM,
        }
        return await self.event(event)

    async def thread_message(
        self,
        text: str,
        *,
        thread_ts: str,
        user: str = "U0REP",
        channel: str = "C0PARTNER",
        user_team: str = HOME_TEAM,
        **extra: Any,
    ) -> Sent:
        """A reply in a channel thread that does not mention the bot."""
        ts = self._ts()
        event = {
            "type": "message",
            "channel_type": "channel",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "channel": channel,
            "event_ts": ts,
            "user_team": user_team,
            "team": HOME_TEAM,
            **extra,
        }
        return await self.event(event, shared=user_team != HOME_TEAM)

    async def interactive(self, payload: dict[str, Any]) -> Sent:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def click(
        self,
        action_id: str,
        value: str = "",
        *,
        user: str = "U0REP",
        channel: str = "C0PARTNER",
        user_team: str = HOME_TEAM,
        message_ts: str = "1690000000.000100",
        ephemeral: bool = False,
    ) -> Sent:
        n = next(self._ids)
        payload = {
            "type": "block_actions",
            "api_app_id": APP_ID,
            "trigger_id": f"trigger.{n}",
            "user": {
                "id": user,
                "username": user.lower(),
                "name": user.lower(),
                "team_id": user_team,
            },
            "team": {"id": HOME_TEAM, "domain": "home"},
            "channel": {"id": channel, "name": "partner-acme"},
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "message": {"type": "message", "ts": message_ts, "text": "menu", "bot_id": BOT_ID},
            "response_url": self.api.response_url(f"act{n}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "pb-actions",
                    "value": value,
                    "action_ts": str(time.time()),
                    "text": {"type": "plain_text", "text": "x"},
                }
            ],
        }
        return await self.interactive(payload)

    async def submit_view(
        self,
        callback_id: str,
        values: dict[str, str | list[str] | None],
        *,
        private_metadata: str = "",
        user: str = "U0REP",
        user_team: str = HOME_TEAM,
    ) -> Sent:
        """Submit a modal: `values` maps block_id (== field name) to what was entered."""
        state: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, list):
                element = {
                    "type": "multi_static_select",
                    "selected_options": [{"value": v} for v in value],
                }
            else:
                element = {"type": "plain_text_input", "value": value}
            state[name] = {name: element}
        n = next(self._ids)
        payload = {
            "type": "view_submission",
            "api_app_id": APP_ID,
            "trigger_id": f"trigger.{n}",
            "team": {"id": user_team, "domain": "x"},
            "user": {
                "id": user,
                "username": user.lower(),
                "name": user.lower(),
                "team_id": user_team,
            },
            "view": {
                "id": "V0VIEW",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": state},
                "team_id": user_team,
                "app_installed_team_id": HOME_TEAM,
                "hash": "h",
            },
        }
        return await self.interactive(payload)
