"""The person behind a request, read fresh on every request at little more than the
cost of the statement itself (issue 15).

Authorization reads roles fresh (nothing cached), so this read runs once per request
and its overhead is what matters. Through a session it costs ~200 us of CPU on SQLite
(the statement hops to aiosqlite's thread and back, and waits its turn on the server's
one connection behind every write) and four to six round trips on PostgreSQL (the
pool's ping, BEGIN, SELECT, ROLLBACK), against ~20 us for the statement. Even SQLAlchemy
Core's execution around the statement costs ~90 us, so the statement
(`storage.people.PERSON_IN_PLACE`, compiled once for the backend) runs on the driver:

- SQLite: a read-only `sqlite3` connection of its own, in autocommit, run
  synchronously on the event loop. A WAL reader never waits for a writer, so the call
  takes the statement's ~20 us; each statement is its own read transaction, so it sees
  everything committed before it (this process, the CLI, any other). Should it still
  find the database busy (a non-WAL file, a recovery), it gives up at once and the read
  goes through a session as before, never blocking the loop.
- PostgreSQL: a connection of the server's pool (checked out and in as the pool does,
  idle ones pinged), the statement on its asyncpg connection outside any transaction
  (prepared once per connection by asyncpg's statement cache): no BEGIN and ROLLBACK
  around it, one round trip. Checked out raw in one greenlet hop: an AsyncConnection
  (two hops, a Connection, the isolation level set and reset) costs ~200 us more.
- Any other database (an in-memory SQLite has no file to share): through a session.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util import await_only, greenlet_spawn

from storage.people import PERSON_IN_PLACE, PersonInPlace, read_person_in_place

#: PERSON_IN_PLACE for sqlite3 (named parameters).
_SQLITE_SQL = PERSON_IN_PLACE.compile(dialect=SQLiteDialect(paramstyle="named")).string


def _sqlite_file(engine: AsyncEngine) -> str | None:
    """The file of an SQLite engine's database, or None (another backend, in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query:
        return None
    return database


def _person(row: Any) -> PersonInPlace | None:
    if row is None:
        return None
    id_, role, name, is_external, *rest = row
    return PersonInPlace(id_, role, name, bool(is_external), *rest)  # SQLite: 0/1


class PersonReader:
    """Reads a person in their place (`storage.people.PersonInPlace`) for every request.

    Built once per process from the server's engine (app.py puts it in Deps); `close()`
    releases its SQLite connection.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite_path = _sqlite_file(engine)
        self._held: sqlite3.Connection | None = None  # the SQLite reading connection
        self._postgres_sql, self._postgres_order = "", tuple[str, ...]()
        dialect = engine.dialect
        self._postgres = self._sqlite_path is None and dialect.driver == "asyncpg"
        if self._postgres:
            # PERSON_IN_PLACE for asyncpg: $n parameters, in this order.
            compiled = PERSON_IN_PLACE.compile(dialect=dialect)
            self._postgres_sql = compiled.string
            self._postgres_order = tuple(compiled.positiontup or ())

    @property
    def mode(self) -> str:
        """How reads run: "sqlite-sync", "autocommit" or "session"."""
        if self._sqlite_path is not None:
            return "sqlite-sync"
        return "autocommit" if self._postgres else "session"

    async def person_in_place(
        self, platform: str, user_id: str, *, channel_id: str | None
    ) -> PersonInPlace | None:
        """The person and their place as committed now, or None for someone new."""
        params = {"platform": platform, "user_id": user_id, "channel_id": channel_id}
        if self._sqlite_path is not None:
            try:
                return _person(self._read_sqlite(self._sqlite_path, params))
            except sqlite3.OperationalError:  # busy or locked: read the slow way, never wait
                pass
        if self._postgres:
            args = [params[name] for name in self._postgres_order]
            return _person(await greenlet_spawn(self._read_postgres, args))
        async with AsyncSession(self._engine) as session:
            return await read_person_in_place(session, platform, user_id, channel_id=channel_id)

    def _read_sqlite(self, path: str, params: dict[str, Any]) -> Any:
        # The connection is held between reads (opening one costs more than the
        # statement); nothing awaits in here, so no two reads ever share it at once.
        conn = self._held
        if conn is None:
            # Autocommit (isolation_level=None): SQLite opens no transaction to read,
            # so each statement sees what was committed before it.
            conn = sqlite3.connect(path, isolation_level=None)
            # Never wait for a lock on the event loop: a busy file is read through a
            # session; and this connection never writes.
            conn.execute("PRAGMA busy_timeout=0")
            conn.execute("PRAGMA query_only=ON")
            self._held = conn
        return conn.execute(_SQLITE_SQL, params).fetchone()

    def _read_postgres(self, args: list[Any]) -> Any:
        # In a greenlet (await_only): the pool's checkout and checkin are synchronous
        # code that may await the driver (a ping, closing an overflow connection).
        conn = self._engine.sync_engine.raw_connection()
        try:
            driver = conn.driver_connection
            assert driver is not None
            row = await_only(driver.fetchrow(self._postgres_sql, *args))
        except BaseException:
            # Broken or cut off mid-statement: the pool must not lend it again.
            conn.invalidate()
            raise
        finally:
            conn.close()  # back to the pool (no transaction to roll back)
        return row

    def close(self) -> None:
        """Close the SQLite reading connection (the engine's pool is the server's)."""
        if self._held is not None:
            self._held.close()
            self._held = None
