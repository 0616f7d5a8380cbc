"""Real `partnerbot` processes against a database and the fake Slack Web API.

`served_database` is a database a subprocess can open from DATABASE_URL alone: on
SQLite the test's own file; on PostgreSQL a database of its own (the suite's schemas
are chosen through connection arguments a URL cannot carry), dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.engine import create_engine
from storage.migrate import upgrade
from tests.conftest import PG_URL, TestDatabase
from tests.scenarios.slack.fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ServedDatabase:
    url: str
    engine: AsyncEngine


@pytest.fixture
async def served_database(database: TestDatabase) -> AsyncIterator[ServedDatabase]:
    if database.backend == "sqlite":
        yield ServedDatabase(database.url, database.engine)
        return
    name = f"pb_proc_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        yield ServedDatabase(url, engine)
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def partnerbot(
    *args: str, database_url: str, api: FakeSlackApi, cwd: Path
) -> subprocess.Popen[str]:
    """Start `python app.py <args>` with Slack pointed at `api` (no Teams credentials)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env.pop("OPENAI_API_KEY", None)
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api.url,
        LOG_LEVEL="WARNING",
        HOST="127.0.0.1",
        PORT="0",
    )
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_due(
    at: datetime, *, database_url: str, api: FakeSlackApi, cwd: Path
) -> subprocess.Popen[str]:
    return partnerbot(
        "jobs", "run-due", "--at", at.isoformat(), database_url=database_url, api=api, cwd=cwd
    )
