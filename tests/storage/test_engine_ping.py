"""PostgreSQL pools ping a connection only after it sat idle: a connection whose server
side died meanwhile is replaced before anyone uses it, a busy one is not pinged."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.engine import create_engine, ping_when_idle
from tests.conftest import PG_URL

pytestmark = pytest.mark.external_service


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("select pg_backend_pid()"))).scalar_one())


async def _kill(pid: int) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_an_idle_connection_that_died_is_replaced_before_use() -> None:
    engine = create_async_engine(PG_URL, pool_size=1, max_overflow=0)
    ping_when_idle(engine, after=0.05)
    try:
        first = await _backend_pid(engine)
        await _kill(first)
        await asyncio.sleep(0.1)  # idle past the window: pinged at the next checkout
        second = await _backend_pid(engine)
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_returned_moments_ago_is_lent_without_a_ping() -> None:
    engine = create_async_engine(PG_URL, pool_size=1, max_overflow=0)
    ping_when_idle(engine, after=60.0)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    try:
        await _backend_pid(engine)
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        pinged: list[bool] = []
        original = engine.dialect.do_ping

        def spy(dbapi_connection: object) -> bool:
            pinged.append(True)
            return original(dbapi_connection)

        engine.dialect.do_ping = spy  # type: ignore[method-assign]
        await _backend_pid(engine)
        assert pinged == []
        assert statements == ["select pg_backend_pid()"]
    finally:
        await engine.dispose()


async def test_the_server_pool_lends_the_connection_returned_last() -> None:
    """After a burst, the requests that follow keep to one hot connection: the others
    stay idle instead of each being pinged in turn as first in, first out lent them."""
    engine = create_engine(PG_URL)
    try:
        burst = [await engine.connect() for _ in range(3)]
        pids = [
            int((await conn.execute(text("select pg_backend_pid()"))).scalar_one())
            for conn in burst
        ]
        for conn in burst:
            await conn.close()
        after = [await _backend_pid(engine) for _ in range(4)]
        assert after == [pids[-1]] * 4
    finally:
        await engine.dispose()
