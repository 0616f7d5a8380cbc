"""bench/slack_paths.py's processes and data: the four servers, the database, and the
signed requests of each path built from what PartnerBot stored."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from _slack_paths_bodies import click, info_request, thread_reply
from deals_slack import (
    CHANNEL,
    SECRET,
    TOKEN,
    USERS,
    load,
    seed_database,
    slash_body,
    submit_body,
)
from slack_help import Server, free_port, start_server
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage import deals as deal_store
from storage import threads as thread_store
from storage.engine import create_engine, create_session_factory

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
#: The Web API call each path answers with (and the channel, where the outbox posts the
#: same method elsewhere).
INTERACTIVE: dict[str, tuple[str, str | None]] = {
    "register": ("views.open", None),
    "submit": ("chat.postEphemeral", None),
    "approve": ("chat.update", None),
    "thread": ("chat.postMessage", CHANNEL),
}


class Servers:
    """The fake Web API, PartnerBot, the bare bolt app and the raw floor, each a process."""

    def __init__(self, tmp: Path, *, team: str) -> None:
        self.tmp, self.team = tmp, team
        self.by_name: dict[str, Server] = {}
        self.calls: dict[str, list[dict[str, Any]]] = {}
        self.api = ""  # the fake's base URL
        self._fake: asyncio.subprocess.Process | None = None

    async def start_fake(self) -> None:
        self._fake = await asyncio.create_subprocess_exec(
            sys.executable, str(BENCH / "_slack_fake.py"), "--team", self.team,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._fake.stdout is not None
        port = int((await asyncio.wait_for(self._fake.stdout.readline(), 30)).decode())
        self.api = f"http://127.0.0.1:{port}/"

    async def start_partnerbot(self, database_url: str) -> None:
        port = free_port()
        env = {
            **{k: v for k, v in _environ().items() if not k.startswith(("SLACK_", "MICROSOFT_"))},
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.api + "api/",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "OPENAI_API_KEY": "",
        }
        cmd = [sys.executable, str(BENCH / "_serve_fresh_callers.py")]
        self.by_name["partnerbot"] = await start_server("partnerbot", cmd, port=port, env=env)

    async def calibrate(self, http: aiohttp.ClientSession, deals: Deals) -> None:
        """One request of each path through PartnerBot; the Web API call it made in
        answer (INTERACTIVE) is what the anchors make for that path. The outbox's
        proactive posts (paced at one per channel and second) are not part of a path."""
        partnerbot = self.by_name["partnerbot"]
        for path, (method, channel) in INTERACTIVE.items():
            bodies = await deals.bodies(path, 1, http)
            await _quiet(http, self.api)
            await _reset(http, self.api)
            await load(partnerbot.url, bodies, 1, http, content_type=content_type(path))
            samples = (await _quiet(http, self.api))["samples"]
            self.calls[path] = [
                next(
                    s for s in samples
                    if s["method"] == method
                    and (channel is None or (s["json"] or {}).get("channel") == channel)
                )
            ]  # fmt: skip
            if path == "submit":
                deals.accepted += 1
        (self.tmp / "calls.json").write_text(json.dumps(self.calls))

    async def start_anchors(self) -> None:
        for name, script in (("bare bolt", "_slack_bare.py"), ("raw floor", "_slack_floor.py")):
            port = free_port()
            cmd = [sys.executable, str(BENCH / script), "--port", str(port),
                   "--api-url", self.api + "api/", "--secret", SECRET,
                   "--calls", str(self.tmp / "calls.json")]  # fmt: skip
            self.by_name[name] = await start_server(name, cmd, port=port, env=_environ())

    async def stop(self) -> None:
        processes = [s.proc for s in self.by_name.values()] + [self._fake] * bool(self._fake)
        for proc in processes:
            if proc is not None and proc.returncode is None:
                proc.terminate()
                await proc.wait()


def _environ() -> dict[str, str]:
    return dict(os.environ)


def content_type(path: str) -> str:
    return "application/json" if path == "thread" else "application/x-www-form-urlencoded"


async def _reset(http: aiohttp.ClientSession, api: str) -> None:
    async with http.post(f"{api}bench/reset") as response:
        await response.read()


async def _quiet(http: aiohttp.ClientSession, api: str, *, within: float = 30.0) -> Any:
    """The fake's stats once no call has arrived for 1.2 s (longer than the outbox's
    pacing of one post per channel and second)."""
    deadline, seen, since = time.monotonic() + within, -1, time.monotonic()
    while time.monotonic() < deadline:
        async with http.get(f"{api}bench/stats") as response:
            found = await response.json()
        total = sum(found["counts"].values())
        if total != seen:
            seen, since = total, time.monotonic()
        elif time.monotonic() - since > 1.2:
            break
        await asyncio.sleep(0.05)
    return found


class Deals:
    """The database, and each path's requests built from what is stored in it."""

    def __init__(self, url: str, servers: Servers) -> None:
        self.url, self.servers = url, servers
        self.backend = url.split("+", 1)[0].split(":", 1)[0]
        self.accepted = 0  # submissions PartnerBot acked (each must be one row)
        self.last_submits: list[tuple[str, str]] = []
        self._names = (f"{uuid.uuid4().hex[:6]}{i}x{i % 97}" for i in itertools.count())
        self._ts = itertools.count(1)

    @classmethod
    async def prepare(cls, url: str, servers: Servers) -> Deals:
        """Start the fake, then an empty, migrated and seeded database."""
        await servers.start_fake()
        if url.startswith("postgresql"):
            engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
            async with engine.connect() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await engine.dispose()
        await seed_database(url)
        return cls(url, servers)

    async def bodies(self, path: str, n: int, http: aiohttp.ClientSession) -> list[tuple[str, str]]:
        """`n` signed-to-be (key, body) pairs of `path`."""
        names = [next(self._names) for _ in range(n)]
        users = [USERS[i % len(USERS)] for i in range(n)]
        if path == "register":
            return [
                (f"trig-{name}", slash_body(name, u)) for name, u in zip(names, users, strict=True)
            ]
        if path == "submit":
            self.last_submits = [
                (name, submit_body(name, u, uuid.uuid4().hex))
                for name, u in zip(names, users, strict=True)
            ]
            return self.last_submits
        deal_ids = await self._pending(n, http)
        if path == "approve":
            return [(str(i), click(i)) for i in deal_ids]
        await self._to_partnerbot(http, [(str(i), info_request(i)) for i in deal_ids])
        threads = await self._threads(deal_ids)
        return [
            (str(i), thread_reply(threads[i], users[k], next(self._ts)))
            for k, i in enumerate(deal_ids)
        ]

    async def _pending(self, n: int, http: aiohttp.ClientSession) -> list[int]:
        """`n` undecided registrations, registering more through PartnerBot if needed."""
        found = await self._pending_ids(n)
        if len(found) < n:
            more = [
                (name, submit_body(name, USERS[0], uuid.uuid4().hex))
                for name in (next(self._names) for _ in range(n - len(found)))
            ]
            await self._to_partnerbot(http, more)
            self.accepted += len(more)
            found = await self._pending_ids(n)
        return found

    async def _to_partnerbot(
        self, http: aiohttp.ClientSession, bodies: list[tuple[str, str]]
    ) -> None:
        result = await load(self.servers.by_name["partnerbot"].url, bodies, 16, http)
        if result.errors:
            raise RuntimeError(f"set-up requests failed: {result.bodies[:2]}")
        await _quiet(http, self.servers.api)

    async def _pending_ids(self, n: int) -> list[int]:
        engine = create_engine(self.url)
        async with create_session_factory(engine)() as session:
            found = await deal_store.list_deals(session, statuses=[deal_store.PENDING], limit=n)
        await engine.dispose()
        return [d.id for d in found]

    async def _threads(self, deal_ids: list[int]) -> dict[int, str]:
        """Each registration's thread in the partner channel. The outbox starts it with
        its first post, but paced at one post per channel and second: for those it has
        not reached yet, the thread is recorded here as that post would record it."""
        keys = [(f"deal:{i}", "slack") for i in deal_ids]
        engine = create_engine(self.url)
        async with create_session_factory(engine)() as session, session.begin():
            found = await thread_store.get_threads(session, keys)
            for key, platform in keys:
                if (key, platform) not in found:
                    ts = f"1750000000.{int(key.split(':')[1]):06d}"
                    await thread_store.save_thread(
                        session, key, platform=platform, channel_id=CHANNEL, thread_id=ts
                    )
            found = await thread_store.get_threads(session, keys)
        await engine.dispose()
        return {int(key.split(":")[1]): str(t.thread_id) for (key, _), t in found.items()}

    async def resubmit(self, http: aiohttp.ClientSession, concurrency: int) -> int:
        """The last round's forms again (a double click, a retry): no new rows."""
        again = self.last_submits[:200]
        partnerbot = self.servers.by_name["partnerbot"].url
        result = await load(partnerbot, again, concurrency, http)
        await _quiet(http, self.servers.api)
        if result.errors:
            raise RuntimeError(f"re-submitted forms failed: {result.bodies[:2]}")
        return len(again)

    async def count(self) -> int:
        engine = create_engine(self.url)
        async with create_session_factory(engine)() as session:
            stored = await deal_store.count_deals(session)
        await engine.dispose()
        return stored
