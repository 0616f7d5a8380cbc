"""The SQLite connection's one-hop cursor behaves like a DB-API cursor for SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

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
