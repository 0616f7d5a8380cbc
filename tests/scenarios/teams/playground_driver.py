"""Start Microsoft 365 Agents Playground (npm, from node_modules) on loopback and drive it
over its HTTP + WebSocket API, as its web client does (see ../shared/PLAYGROUND.md).

The playground is always started with the localhost-only guard preloaded
(`playground/localhost_only.cjs`), statsbeat off, telemetry disabled (`--dt`), no
browser, an explicit port and a 127.0.0.1 service URL, so it never sends a packet
beyond 127.0.0.1. It is stopped by its PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "node_modules" / "@microsoft" / "m365agentsplayground"
CLI = PACKAGE / "cli.js"
HERE = Path(__file__).parent / "playground"
GUARD = HERE / "localhost_only.cjs"
MOCK_DATA = HERE / "playground.yml"
INSTALL_HINT = "npm ci --ignore-scripts --no-audit --no-fund"


def missing_reason() -> str | None:
    """Why the playground cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not CLI.exists():
        return f"Agents Playground is not in node_modules (run `{INSTALL_HINT}`)"
    return None


#: Node script run under the guard: a connect to 0.0.0.0 (not loopback by the guard's
#: rule, yet harmless if it got through: Linux routes it to this machine) must be blocked.
_GUARD_PROBE = """
const net = require("net");
net.connect(9, "0.0.0.0").on("error", (e) => { console.log(e.message); process.exit(0); });
"""


async def guard_blocks() -> bool:
    """True when the guard, preloaded as the playground gets it, blocks a
    non-loopback connect."""
    process = await asyncio.create_subprocess_exec(
        "node",
        "-e",
        _GUARD_PROBE,
        env={**os.environ, "NODE_OPTIONS": f"--require {GUARD}"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return b"blocked (localhost only)" in output


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Event:
    """One WebSocket event: `action` (createMessage/updateMessage/typing) and its data."""

    action: str
    conversation_id: str
    message: dict[str, Any]

    @property
    def text(self) -> str:
        """The message text plus what a card shows: its text blocks, facts, input
        labels and button titles."""
        parts = [str(self.message.get("text") or "")]
        for attachment in self.message.get("attachments") or []:
            content = attachment.get("content")
            if isinstance(content, dict):
                parts.extend(_card_texts(content))
        return "\n".join(p for p in parts if p)


def _card_texts(element: Any) -> list[str]:
    texts: list[str] = []
    if isinstance(element, dict):
        if element.get("type") == "TextBlock":
            texts.append(str(element.get("text", "")))
        elif str(element.get("type", "")).startswith("Input.") and element.get("label"):
            texts.append(str(element["label"]))
        elif str(element.get("type", "")).startswith("Action.") and element.get("title"):
            texts.append(str(element["title"]))
        for fact in element.get("facts", []) if element.get("type") == "FactSet" else []:
            texts.append(f"{fact.get('title')}: {fact.get('value')}")
        for value in element.values():
            if isinstance(value, list | dict):
                texts.extend(_card_texts(value))
    elif isinstance(element, list):
        for item in element:
            texts.extend(_card_texts(item))
    return texts


class Playground:
    """A running playground: its config ids, a WebSocket event log, and user actions."""

    def __init__(self, base: str, http: aiohttp.ClientSession) -> None:
        self.base = base
        self.http = http
        self.events: list[Event] = []
        self.config: dict[str, Any] = {}
        self._mark = 0

    @property
    def user_id(self) -> str:
        return str(self.config["currentUser"]["id"])

    @property
    def bot(self) -> dict[str, Any]:
        return dict(self.config["bot"])

    @property
    def personal_chat(self) -> str:
        return str(self.config["personalChat"]["id"])

    @property
    def channels(self) -> list[str]:
        return [str(c["id"]) for c in self.config["teams"][0]["channels"]]

    @property
    def team_id(self) -> str:
        return str(self.config["teams"][0]["id"])

    async def _json(self, method: str, path: str, body: Any = None) -> Any:
        async with self.http.request(method, self.base + path, json=body) as response:
            text = await response.text()
            assert response.status < 300, f"{method} {path}: {response.status} {text}"
            return json.loads(text) if text.strip().startswith(("{", "[")) else text

    async def install(self, conversation_id: str) -> None:
        """Install the app in a conversation (installationUpdate + conversationUpdate)."""
        await self._json("POST", f"/_debug/conversation/{conversation_id}/installation", {})

    async def say(self, conversation_id: str, text: str, *, mention_bot: bool = False) -> Any:
        """currentUser writes `text`; with `mention_bot` it starts with an @mention."""
        body: dict[str, Any] = {"from": {"id": self.user_id}, "textFormat": "plain", "text": text}
        if mention_bot:
            at = f"<at>{self.bot['name']}</at>"
            body["text"] = f"{at} {text}"
            body["mentions"] = [{"mentioned": {"id": self.bot["id"]}, "text": at}]
        return await self._json(
            "POST", f"/_conversation/v1/conversations/{conversation_id}/messages", body
        )

    def mark(self) -> None:
        """Only events after this point count for `wait_for`."""
        self._mark = len(self.events)

    async def wait_for(self, *, conversation: str, contains: str, within: float = 20.0) -> Event:
        """The first bot message after `mark()` in `conversation` (or a thread of it)
        whose text contains `contains`; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for event in self.events[self._mark :]:
                in_place = (
                    event.conversation_id == conversation
                    or event.conversation_id.startswith(f"{conversation};")
                )
                if event.action == "createMessage" and in_place and contains in event.text:
                    return event
            await asyncio.sleep(0.05)
        seen = [(e.action, e.conversation_id, e.text[:80]) for e in self.events[self._mark :]]
        raise AssertionError(f"no message with {contains!r} in {conversation}; saw {seen}")


async def _read_events(ws: aiohttp.ClientWebSocketResponse, events: list[Event]) -> None:
    async for message in ws:
        if message.type != aiohttp.WSMsgType.TEXT:
            continue
        data = json.loads(message.data)
        events.append(
            Event(
                action=str(data.get("action", "")),
                conversation_id=str(data.get("actionConversationId", "")),
                message=dict(data.get("message") or {}),
            )
        )


@contextlib.asynccontextmanager
async def run_playground(bot_endpoint: str, workdir: Path) -> AsyncIterator[Playground]:
    """Start the playground against `bot_endpoint`, yield a connected `Playground`,
    then stop it by its PID. Logs go to `workdir`."""
    process, port = await _start(bot_endpoint, workdir)
    try:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            await _wait_ready(http, base, process)
            playground = Playground(base, http)
            config = await playground._json("GET", "/_internal/v1/testConfig")
            playground.config = config["config"]
            async with http.ws_connect(
                f"ws://127.0.0.1:{port}/_ws_conversation/v1/conversations/stream"
            ) as ws:
                reader = asyncio.create_task(_read_events(ws, playground.events))
                try:
                    yield playground
                finally:
                    reader.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await reader
    finally:
        await _stop(process)


async def _start(bot_endpoint: str, workdir: Path) -> tuple[asyncio.subprocess.Process, int]:
    """Start the playground on a free port. It silently moves to a random port when the
    one asked for is busy, which would make its service URL wrong: then try again."""
    env = {
        **os.environ,
        "NODE_OPTIONS": f"--require {GUARD}",
        "APPLICATION_INSIGHTS_NO_STATSBEAT": "1",
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(MOCK_DATA),
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(workdir / "playground.log"),
        "PLAYGROUND_BLOCKED_LOG": str(workdir / "blocked.log"),
    }
    env.pop("BOT_ENDPOINT", None)
    for _attempt in range(3):
        port = free_port()
        args = [
            str(CLI),
            "-e", bot_endpoint,
            "-c", "msteams",
            "-p", str(port),
            "--su", f"http://127.0.0.1:{port}/_connector",
            "--dt",
        ]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            "node",
            *args,
            cwd=workdir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            listening = await _listening_port(process)
        except BaseException:
            await _stop(process)
            raise
        if listening == port:
            return process, port
        await _stop(process)
    raise AssertionError("the playground never got the port it was given")


async def _listening_port(process: asyncio.subprocess.Process) -> int:
    """The port from the `Listening on PORT` line (the playground silently takes a
    random port when the asked one is busy)."""
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    output = []
    while time.monotonic() < deadline:
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout=1)
        except TimeoutError:
            continue
        if not line:
            break
        text = line.decode(errors="replace").strip()
        output.append(text)
        if text.startswith("Listening on"):
            return int(text.rsplit(" ", 1)[1])
    raise AssertionError(f"the playground did not start (exit {process.returncode}): {output}")


async def _wait_ready(http: aiohttp.ClientSession, base: str, process: Any) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(base + "/_debug/ping") as response:
                if (await response.text()).strip() == "pong":
                    return
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    raise AssertionError("the playground never answered /_debug/ping")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        os.kill(process.pid, 15)
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            os.kill(process.pid, 9)
            await process.wait()
    if process.stdout is not None:
        await process.stdout.read()
