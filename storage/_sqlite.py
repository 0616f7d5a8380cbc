"""SQLite connections that cost one thread hop per statement.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy's adapter
makes four calls per statement (open a cursor, execute, fetch, close): four hand-offs
between the event loop and that thread, which dominate a short statement's cost. The
cursor here does all four in one hand-off and keeps the rows, so the adapter's later
fetch and close calls return at once; a commit or rollback with no transaction open
costs no hand-off at all. Everything else is aiosqlite's own connection.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable
from functools import partial
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


class _PrefetchingCursor(aiosqlite.Cursor):
    """Executes, fetches every row and closes the sqlite3 cursor in one call."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn, None)  # type: ignore[arg-type]  # set by the first execute
        self._rows: deque[Any] = deque()

    def _run(self, many: bool, sql: str, parameters: Any) -> list[Any]:
        # Runs on the connection's thread.
        cursor = self._conn._conn.cursor()
        try:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()  # description, rowcount and lastrowid stay readable
        self._cursor = cursor
        return rows

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        params = [] if parameters is None else parameters
        rows = await self._execute(self._run, False, sql, params)  # type: ignore[no-untyped-call]
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> aiosqlite.Cursor:
        rows = await self._execute(self._run, True, sql, parameters)  # type: ignore[no-untyped-call]
        self._rows = deque(rows)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        self._rows.clear()  # the sqlite3 cursor was closed right after it ran


class _Connection(aiosqlite.Connection):
    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return _PrefetchingCursor(self)

    # A session that only read ends with a rollback (and a `session.begin()` block
    # that only read, with a commit) of a transaction sqlite3 never opened: nothing to
    # do, so no hand-off to the connection's thread. `in_transaction` reads SQLite's
    # autocommit flag; the pool lends this connection to one user at a time, who is
    # awaiting this very call, so no statement runs on it meanwhile.

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def connector(database: str, **kwargs: Any) -> Any:
    """An `async_creator` for SQLAlchemy: opens `database` with sqlite3 `kwargs`."""

    async def connect() -> aiosqlite.Connection:
        connection = _Connection(partial(sqlite3.connect, database, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for plain aiosqlite
        return await connection

    return connect
