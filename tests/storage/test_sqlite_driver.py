"""The SQLite connection's cursor behaves like a DB-API cursor for SQLAlchemy; quick
statements run on the loop, and statements that must wait for a lock wait on the
connection's thread."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage import _sqlite
from storage.engine import create_engine


async def test_rows_counts_and_ids_come_back_as_with_a_plain_cursor(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key, name text)"))
            inserted = await conn.execute(text("insert into t (name) values ('a')"))
            many = await conn.execute(
                text("insert into t (name) values (:name)"),
                [{"name": "b"}, {"name": "c"}, {"name": "d"}],
            )
            updated = await conn.execute(text("update t set name = upper(name) where id > 2"))
            result = await conn.execute(text("select id, name from t order by id"))
            first_two = result.fetchmany(2)
            rest = result.fetchall()
            empty = (await conn.execute(text("select id from t where id > 99"))).all()
            returned = (
                await conn.execute(text("insert into t (name) values ('e') returning id, name"))
            ).one()
        async with engine.connect() as conn:
            wal = (await conn.execute(text("pragma journal_mode"))).scalar_one()
    finally:
        await engine.dispose()

    assert (inserted.lastrowid, inserted.rowcount, many.rowcount, updated.rowcount) == (1, 1, 3, 2)
    assert [tuple(r) for r in first_two] == [(1, "a"), (2, "b")]
    assert [tuple(r) for r in rest] == [(3, "C"), (4, "D")]
    assert empty == []
    assert tuple(returned) == (5, "e")
    assert wal == "wal"


async def test_a_failed_statement_rolls_back_and_the_connection_stays_usable(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key)"))
        try:
            async with engine.begin() as conn:
                await conn.execute(text("insert into t (id) values (1)"))
                await conn.execute(text("insert into t (id) values (1)"))
        except Exception as exc:  # the duplicate key, raised through SQLAlchemy
            error = type(exc).__name__
        async with engine.connect() as conn:
            count = (await conn.execute(text("select count(*) from t"))).scalar_one()
    finally:
        await engine.dispose()
    assert (error, count) == ("IntegrityError", 0)


async def test_rollback_and_commit_undo_and_keep_writes_even_after_reads(tmp_path: Path) -> None:
    # Reads alone open no transaction, and then commit/rollback skip the driver; a
    # write after them must still be undone or kept.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key)"))
        async with engine.connect() as conn:
            await conn.execute(text("select count(*) from t"))
            await conn.rollback()
            await conn.execute(text("insert into t (id) values (1)"))
            await conn.rollback()
            await conn.execute(text("select count(*) from t"))
            await conn.commit()
            await conn.execute(text("insert into t (id) values (2)"))
            await conn.commit()
            await conn.execute(text("insert into t (id) values (3)"))
        async with engine.connect() as conn:  # closing the last one rolled 3 back
            ids = (await conn.execute(text("select id from t order by id"))).scalars().all()
    finally:
        await engine.dispose()
    assert ids == [2]


def _hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each call handed to a connection's thread (by function name)."""
    calls: list[str] = []
    original = _sqlite._Connection._execute

    async def counting(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(_sqlite._Connection, "_execute", counting)
    return calls


async def test_quick_statements_and_commits_run_on_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "driver.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # another process's view
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key, name text)"))
        hops = _hops(monkeypatch)
        async with engine.begin() as conn:
            await conn.execute(text("insert into t (name) values ('a')"))
            await conn.execute(text("update t set name = 'b' where id = 1"))
            name = (await conn.execute(text("select name from t where id = 1"))).scalar_one()
        seen = other.execute("select name from t").fetchall()  # committed, for everyone
        hopped = list(hops)
    finally:
        other.close()
        await engine.dispose()
    assert name == "b"
    assert seen == [("b",)]
    assert hopped == []  # neither the statements nor the commit left the loop
    reopened = sqlite3.connect(path)
    try:
        assert reopened.execute("select id, name from t").fetchall() == [(1, "b")]
    finally:
        reopened.close()


async def _wal_bytes_after_commits(path: Path, commits: int) -> tuple[int, list[str]]:
    """The WAL's size after `commits` one-row transactions, and the thread hops."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    hops: list[str] = []
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key, pad text)"))
        original = _sqlite._Connection._execute

        async def counting(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            hops.append(getattr(fn, "__name__", repr(fn)))
            return await original(self, fn, *args, **kwargs)

        _sqlite._Connection._execute = counting  # type: ignore[method-assign]
        try:
            for i in range(commits):
                async with engine.begin() as conn:
                    await conn.execute(
                        text("insert into t values (:i, :pad)"), {"i": i, "pad": "x" * 3000}
                    )
        finally:
            _sqlite._Connection._execute = original  # type: ignore[method-assign]
        async with engine.connect() as conn:
            automatic = (await conn.execute(text("pragma wal_autocheckpoint"))).scalar_one()
            assert automatic == 0  # SQLite's own checkpoint inside a commit is off
        size = os.stat(f"{path}-wal").st_size
    finally:
        await engine.dispose()
    return size, hops


async def test_every_nth_commit_checkpoints_the_wal_on_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sqlite, "CHECKPOINT_EVERY", 5)
    checkpointed, hops = await _wal_bytes_after_commits(tmp_path / "a.db", 60)
    monkeypatch.setattr(_sqlite, "CHECKPOINT_EVERY", 10**9)
    unchecked, never = await _wal_bytes_after_commits(tmp_path / "b.db", 60)
    # Every fifth commit (counting the table's) checkpointed, on the thread, so the WAL
    # was reused from its start instead of growing by a page or two per commit.
    assert hops.count("_waiting_for") == 12
    assert never.count("_waiting_for") == 0
    assert checkpointed * 4 < unchecked


def test_only_wal_without_sync_commits_on_the_loop(tmp_path: Path) -> None:
    wal = sqlite3.connect(tmp_path / "wal.db")
    journal = sqlite3.connect(tmp_path / "journal.db")
    full = sqlite3.connect(tmp_path / "full.db")
    try:
        wal.execute("pragma journal_mode=wal")
        wal.execute("pragma synchronous=normal")
        full.execute("pragma journal_mode=wal")
        full.execute("pragma synchronous=full")
        found = [_sqlite._wal_without_sync(c) for c in (wal, journal, full)]
        automatic = [c.execute("pragma wal_autocheckpoint").fetchone()[0] for c in (wal, full)]
    finally:
        for c in (wal, journal, full):
            c.close()
    assert found == [True, False, False]
    assert automatic == [0, 1000]


async def test_a_statement_meeting_another_process_lock_waits_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "driver.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key)"))
        hops = _hops(monkeypatch)
        holder.execute("BEGIN IMMEDIATE")  # another process is writing
        holder.execute("insert into t (id) values (1)")

        async def write() -> None:
            async with engine.begin() as conn:
                await conn.execute(text("insert into t (id) values (2)"))

        writing = asyncio.ensure_future(write())
        await asyncio.sleep(0.2)
        # Waiting on the loop's thread, it could never see this thread let go of the
        # lock and would have failed by now: it waits off the loop.
        assert not writing.done()
        holder.execute("COMMIT")
        await writing
        async with engine.connect() as conn:
            ids = (await conn.execute(text("select id from t order by id"))).scalars().all()
    finally:
        holder.close()
        await engine.dispose()
    assert ids == [1, 2]
    assert "_run_waiting" in hops


async def test_a_statement_that_ran_slowly_runs_on_the_thread_from_then_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (id integer primary key)"))
        hops = _hops(monkeypatch)
        monkeypatch.setattr(_sqlite, "ON_LOOP_MAX_SECONDS", -1.0)  # everything is slow
        async with engine.connect() as conn:
            for _ in range(3):
                await conn.execute(text("select count(*) from t"))
    finally:
        await engine.dispose()
    assert hops.count("_run_waiting") == 2  # the first ran on the loop, and was slow
