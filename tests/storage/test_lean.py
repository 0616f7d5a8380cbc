"""Lean statements on SQLite go straight to the connection's own cursor: in the
session's transaction, on the loop (on the thread only when they must wait for another
process's lock), errors raised as SQLAlchemy's."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import _sqlite
from storage.engine import create_engine, create_session_factory
from storage.lean import LeanInsert, LeanQuery

_TABLE = Table(
    "items",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(20), unique=True),
)
_INSERT = LeanInsert(_TABLE)
_NAMES = LeanQuery(lambda: select(_TABLE.c.name).where(_TABLE.c.id > bindparam("above")))


async def _engine(path: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(_TABLE.metadata.create_all)
    return engine


def _count_adapter_and_thread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    adapter_execute, hop = AsyncAdapt_dbapi_cursor.execute, _sqlite._Connection._execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append("adapter")
        return adapter_execute(self, *args, **kwargs)

    async def thread(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append("thread")
        return await hop(self, fn, *args, **kwargs)

    monkeypatch.setattr(AsyncAdapt_dbapi_cursor, "execute", execute)
    monkeypatch.setattr(_sqlite._Connection, "_execute", thread)
    return calls


async def test_lean_statements_skip_the_adapter_and_stay_in_the_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = await _engine(tmp_path / "lean.db")
    sessions = create_session_factory(engine)
    try:
        calls = _count_adapter_and_thread(monkeypatch)
        async with sessions() as session, session.begin():
            first = await _INSERT.insert(session, {"name": "a"})
            await _INSERT.insert_many(session, [{"name": "b"}, {"name": "c"}])
            seen = await _NAMES.rows(session, {"above": first})
        assert calls == [] and first == 1 and seen == [("b",), ("c",)]
        async with sessions() as session:
            await _INSERT.insert(session, {"name": "d"})
            await session.rollback()  # the lean INSERT was part of the transaction
        with pytest.raises(IntegrityError):
            async with sessions() as session, session.begin():
                await _INSERT.insert(session, {"name": "a"})
        async with sessions() as session:
            assert await _NAMES.rows(session, {"above": 0}) == [("a",), ("b",), ("c",)]
    finally:
        await engine.dispose()


async def test_a_lean_write_waits_on_the_thread_for_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lean.db"
    engine = await _engine(path)
    sessions = create_session_factory(engine)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        calls = _count_adapter_and_thread(monkeypatch)
        async with sessions() as session, session.begin():
            await _INSERT.insert(session, {"name": "a"})  # waits, off the loop
        async with sessions() as session:
            assert await _NAMES.rows(session, {"above": 0}) == [("a",)]
        assert "thread" in calls and "adapter" not in calls
    finally:
        other.close()
        await engine.dispose()
