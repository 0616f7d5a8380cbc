"""Shared fixtures: a database at head on SQLite and on PostgreSQL, settings and deps.

Each test gets an empty database at the head migration. SQLite: a copy of a file
migrated once per session. PostgreSQL: a schema of its own in the `test` database
(migrated once per session, emptied before each test). In CI (CI=true) an unreachable
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.settings import Settings
from handlers.deps import Deps
from handlers.knowledge.index import KnowledgeIndex
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
T = TypeVar("T")
FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on a loop of its own in a worker thread (session fixtures are set up
    from inside a test's running loop, where `asyncio.run` is not allowed)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _pg_reachable() -> str | None:
    async def probe() -> None:
        engine = create_engine(PG_URL)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        finally:
            await engine.dispose()

    try:
        run_in_thread(probe())
    except Exception as exc:  # any failure means "not reachable"; the reason is shown
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        async with engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    run_in_thread(build())
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    problem = _pg_reachable()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run in CI ({PG_URL}): {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    schema = f"pb_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        admin = create_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = pg_engine(schema)
        await upgrade(engine)
        await engine.dispose()

    async def drop() -> None:
        admin = create_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()

    run_in_thread(create())
    yield schema
    run_in_thread(drop())


def pg_engine(schema: str) -> AsyncEngine:
    """An engine whose connections see only `schema` (and pg_catalog)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(
        PG_URL, connect_args={"server_settings": {"search_path": schema}}, pool_size=5
    )


async def _empty_pg(engine: AsyncEngine, schema: str) -> None:
    async with engine.begin() as conn:
        rows = await conn.execute(
            text(
                "select tablename from pg_tables where schemaname = :schema "
                "and tablename <> 'alembic_version'"
            ),
            {"schema": schema},
        )
        tables = ", ".join(f'"{schema}"."{name}"' for (name,) in rows)
        if tables:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.external_service)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass(frozen=True)
class TestDatabase:
    """The database under test: its engine, URL, and (PostgreSQL) schema."""

    __test__ = False
    backend: str
    engine: AsyncEngine
    url: str
    schema: str | None = None


@pytest.fixture
async def database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[TestDatabase]:
    """An empty database at head; asserts at teardown that no connection leaked."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "partnerbot.db"
        shutil.copyfile(template, path)
        url = f"sqlite+aiosqlite:///{path}"
        db = TestDatabase(backend, create_engine(url), url)
    else:
        schema = request.getfixturevalue("pg_schema")
        db = TestDatabase(backend, pg_engine(schema), PG_URL, schema)
        await _empty_pg(db.engine, schema)
    yield db
    checked_out = db.engine.pool.checkedout()  # type: ignore[attr-defined]
    await db.engine.dispose()
    assert checked_out == 0, f"{checked_out} database connection(s) still checked out"


@pytest.fixture
def engine(database: TestDatabase) -> AsyncEngine:
    return database.engine


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(engine)


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    return Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]


@pytest.fixture
def deps(settings: Settings, sessions: SessionFactory) -> Deps:
    """Deps as the server builds them (with its caller cache), on a fixed clock."""
    return Deps(
        settings=settings, sessions=sessions, clock=lambda: FIXED_NOW, knowledge=KnowledgeIndex()
    )


ADAPTIVE_CARD_SCHEMA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / ("adaptive-card-1.5.json")
)


@pytest.fixture(scope="session")
def adaptive_card_validator() -> Any:
    """Adaptive Card 1.5 JSON-schema validator from ../shared (skips when it is not beside)."""
    if not ADAPTIVE_CARD_SCHEMA.exists():
        pytest.skip(
            f"the Adaptive Card schema is not at {ADAPTIVE_CARD_SCHEMA} (../shared is absent)"
        )
    import json

    import jsonschema

    return jsonschema.Draft6Validator(json.loads(ADAPTIVE_CARD_SCHEMA.read_text()))
