"""How long one Teams turn holds its request when its serviceUrl cannot be reached.

Posts one local-mode activity whose serviceUrl is a closed port on 127.0.0.1 to the
real web app (temporary SQLite database) and prints how long the HTTP request took.
`--unbounded` removes the connector limits of bot/teams/guard.py first, to show
what msrest's default retries cost (3 retries with back-off, for the answer and then
the apology).

Run: python bench/teams_unreachable.py [--unbounded]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

import app
from bot.cli._database import prepare_database
from bot.core.settings import Settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def main(*, unbounded: bool) -> None:
    logging.disable(logging.CRITICAL)
    if unbounded:
        import bot.teams.guard as guard

        guard.bound = lambda client: client  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(_env_file=None, database_url=url, microsoft_app_id="")  # type: ignore[call-arg]
        deps = app.build_deps(settings)
        await prepare_database(deps)
        runner = web.AppRunner(app.build_web_app(deps))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        activity = {
            "type": "message",
            "id": "1",
            "channelId": "msteams",
            "text": "help",
            "serviceUrl": f"http://127.0.0.1:{_closed_port()}/",
            "from": {"id": "29:someone", "name": "Someone"},
            "recipient": {"id": "28:bot"},
            "conversation": {"id": "a:1", "conversationType": "personal"},
            "channelData": {"tenant": {"id": "tenant"}},
        }
        try:
            async with aiohttp.ClientSession() as http:
                start = time.monotonic()
                endpoint = f"http://127.0.0.1:{port}/api/messages"
                async with http.post(endpoint, json=activity) as response:
                    await response.read()
                elapsed = time.monotonic() - start
        finally:
            await runner.cleanup()
            await deps.sessions.kw["bind"].dispose()
    limits = "msrest defaults" if unbounded else "bot/teams/guard.py limits"
    print(f"{limits}: HTTP {response.status} after {elapsed:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unbounded", action="store_true", help="msrest's default retries")
    asyncio.run(main(unbounded=parser.parse_args().unbounded))
