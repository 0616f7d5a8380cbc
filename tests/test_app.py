"""The server: /healthz in-process on both backends, and `serve` as a real process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

import app
import bot.slack
from bot.core.settings import Settings
from handlers.deps import Deps
from storage.engine import SessionFactory
from tests.conftest import TestDatabase

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
STOP_WITHIN_SECONDS = 20


async def test_healthz_reports_database_and_platforms(deps: Deps) -> None:
    async with TestClient(TestServer(app.build_web_app(deps))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {
            "status": "ok",
            "database": "ok",
            "platforms": {"slack": False, "teams": "local", "llm": False},
        }


async def test_healthz_says_degraded_when_the_database_is_down() -> None:
    settings = Settings(_env_file=None, database_url="postgresql+asyncpg://x@127.0.0.1:1/x")  # type: ignore[call-arg]
    deps = app.build_deps(settings)
    try:
        async with TestClient(TestServer(app.build_web_app(deps))) as client:
            response = await client.get("/healthz")
            assert response.status == 503
            report = await response.json()
            assert report["status"] == "degraded"
            assert report["database"] != "ok"
    finally:
        await deps.sessions.kw["bind"].dispose()


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int, log: list[str]) -> None:
        self.process, self.port, self.log = process, port, log

    def get(self, path: str) -> tuple[int, dict[str, object]]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
            return r.status, json.loads(r.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`python app.py` (no sub-command = serve) on a free port with a temp SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env.update(
        PORT="0",
        HOST="127.0.0.1",
        LOG_LEVEL="INFO",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
    )
    env.pop("OPENAI_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    log: list[str] = []
    port = None
    for line in process.stderr:
        log.append(line)
        found = LISTENING.search(line)
        if found:
            port = int(found.group(1))
        if "Database:" in line:
            break
    assert port is not None, "".join(log)
    try:
        yield Server(process, port, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stop(server: Server, signum: int) -> int:
    server.process.send_signal(signum)
    _, rest = server.process.communicate(timeout=STOP_WITHIN_SECONDS)
    server.log.append(rest)
    return server.process.returncode


def test_serve_announces_what_is_configured_and_answers_healthz(server: Server) -> None:
    banner = "".join(server.log)
    assert "Slack: off" in banner
    assert "Teams: LOCAL MODE" in banner
    assert "LLM: off" in banner
    assert "Database: sqlite+aiosqlite:///" in banner
    status, report = server.get("/healthz")
    assert status == 200
    assert report == {
        "status": "ok",
        "database": "ok",
        "platforms": {"slack": False, "teams": "local", "llm": False},
    }
    assert _stop(server, signal.SIGTERM) == 0
    assert "stopped" in "".join(server.log)
    assert "Traceback" not in "".join(server.log)


def test_ctrl_c_stops_the_server_cleanly(server: Server) -> None:
    assert server.get("/healthz")[0] == 200
    assert _stop(server, signal.SIGINT) == 0
    assert "Traceback" not in "".join(server.log)


async def test_serving_runs_socket_mode_and_the_scheduler_until_shutdown(
    database: TestDatabase, monkeypatch: pytest.MonkeyPatch, sessions: SessionFactory
) -> None:
    events: list[str] = []

    async def fake_socket_mode(deps: Deps) -> None:
        events.append("socket mode started")
        try:
            await asyncio.Event().wait()
        finally:
            events.append("socket mode stopped")

    monkeypatch.setattr(bot.slack, "run_socket_mode", fake_socket_mode)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database.url,
        slack_bot_token="xoxb-1",
        slack_app_token="xapp-1",
    )
    deps = Deps(settings=settings, sessions=sessions)
    web_app = app.build_web_app(deps, serving=True)
    async with TestClient(TestServer(web_app)) as client:
        await asyncio.sleep(0)
        assert events == ["socket mode started"]
        assert (await client.get("/healthz")).status == 200
    assert events == ["socket mode started", "socket mode stopped"]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3"])
def test_serve_refuses_local_mode_beyond_loopback(tmp_path: Path, host: str) -> None:
    """Teams local mode authenticates nothing: served on a public address anyone could
    impersonate Teams. One line, exit 2, nothing is listening, and the database is not
    even opened (no migrations run for a start that is refused)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env.update(HOST=host, PORT="0", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "serve"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert f"HOST={host}" in line and "MICROSOFT_APP_ID" in line
    assert "listening" not in done.stderr
    assert not (tmp_path / "x.db").exists()
