"""The outbox: 10,000 queued messages drained through the real Slack sender against a
fake Web API on 127.0.0.1, pacing off. Prints the time per message, the same number of
bare `chat.postMessage` calls with the same client (what Slack itself costs here), the
difference (the outbox's overhead per message: claims, records, rendering), and counts
what arrived: lost and duplicated messages (both must be 0).

    python bench/outbox.py                                  # SQLite temp file
    createdb -h 127.0.0.1 -U postgres pb_delivery
    python bench/outbox.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_delivery

PostgreSQL: the database's public schema is dropped and recreated first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select, text

import app
from bot.core import Reply
from bot.core.codec import reply_to_json
from bot.core.settings import Settings
from bot.slack.render import render_reply
from scheduling.outbox import deliver_due
from storage import outbox
from storage.engine import create_engine
from storage.migrate import upgrade

TOKEN = "xoxb-bench"
REF = re.compile(r"DR-\d{6}")


class CountingSlackApi:
    """Answers `ok` to every call and counts the text of each `chat.postMessage`."""

    def __init__(self) -> None:
        self.texts: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._ts = 0

    async def start(self) -> None:
        api = web.Application()
        api.router.add_route("*", "/api/{method}", self._api)
        self._runner = web.AppRunner(api, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/api/"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        raw = await request.text()
        params = json.loads(raw) if request.content_type == "application/json" else {}
        if not params and raw:
            params = dict(parse_qsl(raw))
        self._ts += 1
        if request.match_info["method"] == "chat.postMessage":
            self.texts[str(params.get("text"))] += 1
        return web.json_response(
            {"ok": True, "channel": params.get("channel"), "ts": f"1700000000.{self._ts:06d}"}
        )


def _message(n: int, channels: int) -> dict[str, object]:
    reply = Reply(title=f"Reminder {n}", text=f"message {n}: the protection of DR-{n:06d} ends")
    return {
        "platform": "slack",
        "channel_id": f"C{n % channels:05d}",
        "payload": reply_to_json(reply),
        "dedupe_key": f"bench:{n}",
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=100)
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    await engine.dispose()

    api = CountingSlackApi()
    await api.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        slack_bot_token=TOKEN,
        slack_signing_secret="bench",
        slack_api_url=api.url,
        log_level="WARNING",
        microsoft_app_id="",
    )
    deps = app.build_deps(settings)
    runner = web.AppRunner(app.build_web_app(deps))
    await runner.setup()  # the Slack adapter's HTTP session
    try:
        n = args.messages
        async with deps.sessions() as session, session.begin():
            await outbox.enqueue_many(session, [_message(i, args.channels) for i in range(n)])

        # Baseline: the same calls with a bare client (same HTTP session, same fake).
        rendered = render_reply(Reply(title="Reminder", text="message: the protection ends"))
        async with aiohttp.ClientSession() as http:
            bare = AsyncWebClient(token=TOKEN, base_url=api.url, session=http)
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(n):
                await bare.chat_postMessage(
                    channel=f"C{i % args.channels:05d}",
                    text=f"bare {i}",
                    blocks=rendered.blocks,
                )
            bare_seconds = time.perf_counter() - started
            bare_cpu = time.process_time() - cpu
        api.texts.clear()

        started, cpu = time.perf_counter(), time.process_time()
        report = await deliver_due(deps, per_channel_interval=0)
        outbox_seconds = time.perf_counter() - started
        outbox_cpu = time.process_time() - cpu

        async with deps.sessions() as session:
            sent_rows = await session.scalar(
                select(func.count())
                .select_from(outbox.OutboxMessage)
                .where(outbox.OutboxMessage.status == outbox.SENT)
            )
        seen = Counter(
            ref for t, c in api.texts.items() for ref in REF.findall(t) for _ in range(c)
        )
        arrived = sum(api.texts.values())
        lost = len({f"DR-{i:06d}" for i in range(n)} - set(seen))
        duplicated = sum(c - 1 for c in seen.values() if c > 1)
        print(f"backend: {engine.dialect.name}, {n} messages to {args.channels} channels")
        for label, outbox_s, bare_s in (
            ("wall", outbox_seconds, bare_seconds),
            ("cpu (this process)", outbox_cpu, bare_cpu),
        ):
            per, bare_per = outbox_s / n * 1000, bare_s / n * 1000
            print(
                f"{label}: outbox drain {outbox_s:.2f} s = {per:.3f} ms/message; "
                f"bare chat.postMessage {bare_s:.2f} s = {bare_per:.3f} ms/message; "
                f"overhead {per - bare_per:.3f} ms/message"
            )
        print(
            f"report: sent {report.sent}, retried {report.retried}, failed {report.failed}; "
            f"rows sent {sent_rows}; arrived {arrived}; lost {lost}; duplicated {duplicated}"
        )
        return 0 if lost == duplicated == 0 and sent_rows == n else 1
    finally:
        await runner.cleanup()
        await api.close()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
