"""The person behind a request, read fresh on every request at little more than the
cost of the statement itself (issue 15).

Authorization reads roles fresh (nothing cached), so this read runs once per request
and its overhead is what matters. Through a session it costs ~200 us of CPU on SQLite
(the statement hops to aiosqlite's thread and back, and waits its turn on the server's
one connection behind every write) and four to six round trips on PostgreSQL (the
pool's ping, BEGIN, SELECT, ROLLBACK), against ~20 us for the statement. Even SQLAlchemy
Core's execution around the statement costs ~90 us, so the statement runs on the
driver:

- SQLite: `storage.people.PERSON_IN_PLACE` on a read-only `sqlite3` connection of its
  own, in autocommit, run synchronously on the event loop. A WAL reader never waits for
  a writer, so the call takes the statement's ~20 us; each statement is its own read
  transaction, so it sees everything committed before it (this process, the CLI, any
  other). Should it still find the database busy (a non-WAL file, a recovery), it gives
  up at once and the read goes through a session as before, never blocking the loop.
- PostgreSQL: the reads asked for at the same time share one statement,
  `storage.people.PEOPLE_IN_PLACES` (one row per person asked), like a group commit:
  a read asked while no statement is out is sent at once, alone; the reads asked while
  one is out wait for it and then go together in the next. A read is thus always
  answered by a statement sent after it was asked: it sees everything committed before
  its request, exactly as a statement of its own would (nothing is cached or shared
  across requests). Under load one round trip serves several requests: the round trip
  (a send, the loop's wake-up, a receive; and the server's own work) and not the
  statement is what a read costs here. Measured at c16 (bench/slack_paths.py): 5-7
  reads a statement, ~0.2 ms of CPU per /register-deal less than a statement each on a
  pooled connection. A busy spell holds one connection of the server's pool (checked
  out in one greenlet hop, idle ones pinged as the pool does; a connection that fails
  mid-statement is invalidated and fails the reads waiting on it) and gives it back as
  soon as no read waits; statements run outside any transaction (no BEGIN, ROLLBACK).
- Any other database (an in-memory SQLite has no file to share): through a session.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util import await_only, greenlet_spawn

from storage.people import PEOPLE_IN_PLACES, PERSON_IN_PLACE, PersonInPlace, read_person_in_place

#: PERSON_IN_PLACE for sqlite3 (named parameters).
_SQLITE_SQL = PERSON_IN_PLACE.compile(dialect=SQLiteDialect(paramstyle="named")).string
#: A read asked for: (platform, user id, channel id or None, where its row goes).
_Asked = tuple[str, str, str | None, "asyncio.Future[Any]"]


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
        dialect = engine.dialect
        self._postgres = self._sqlite_path is None and dialect.driver == "asyncpg"
        self._postgres_sql = ""
        if self._postgres:
            # PEOPLE_IN_PLACES for asyncpg: $1 platforms, $2 user ids, $3 channel ids.
            compiled = PEOPLE_IN_PLACES.compile(dialect=dialect)
            assert compiled.positiontup == ["platforms", "user_ids", "channel_ids"]
            self._postgres_sql = compiled.string
        self._asked: list[_Asked] = []  # PostgreSQL: waiting for the next statement
        self._sending: asyncio.Task[None] | None = None  # the statements' task, if busy
        self._loop: asyncio.AbstractEventLoop | None = None
        self.statements = 0  # PostgreSQL: statements sent so far (each for 1+ reads)

    @property
    def mode(self) -> str:
        """How reads run: "sqlite-sync", "batched" or "session"."""
        if self._sqlite_path is not None:
            return "sqlite-sync"
        return "batched" if self._postgres else "session"

    async def person_in_place(
        self, platform: str, user_id: str, *, channel_id: str | None
    ) -> PersonInPlace | None:
        """The person and their place as committed now, or None for someone new."""
        if self._sqlite_path is not None:
            params = {"platform": platform, "user_id": user_id, "channel_id": channel_id}
            try:
                return _person(self._read_sqlite(self._sqlite_path, params))
            except sqlite3.OperationalError:  # busy or locked: read the slow way, never wait
                pass
        if self._postgres:
            return _person(await self._read_postgres(platform, user_id, channel_id))
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

    def _read_postgres(self, platform: str, user_id: str, channel_id: str | None) -> Any:
        """A future of the row: the read goes in the next statement sent (see above)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): nothing of the old one
            self._loop, self._asked, self._sending = loop, [], None
        row: asyncio.Future[Any] = loop.create_future()
        self._asked.append((platform, user_id, channel_id, row))
        if self._sending is None:
            self._sending = loop.create_task(self._send_while_asked(), name="person-reads")
        return row

    async def _send_while_asked(self) -> None:
        try:
            await greenlet_spawn(self._send_statements)
        except BaseException as exc:
            asked, self._asked = self._asked, []
            _fail(asked, exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            self._sending = None

    def _send_statements(self) -> None:
        # In a greenlet (await_only): the pool's checkout and checkin are synchronous
        # code that may await the driver (a ping, closing an overflow connection).
        conn = self._engine.sync_engine.raw_connection()
        try:
            driver = conn.driver_connection
            assert driver is not None
            while self._asked:
                # Only reads asked before this statement is sent go in it.
                asked, self._asked = self._asked, []
                self.statements += 1
                try:
                    rows = await_only(
                        driver.fetch(
                            self._postgres_sql,
                            [a[0] for a in asked],
                            [a[1] for a in asked],
                            [a[2] for a in asked],
                        )
                    )
                except BaseException as exc:
                    # Broken or cut off mid-statement: the pool must not lend it again.
                    conn.invalidate()
                    _fail(asked, exc)
                    raise
                found = {row[0]: tuple(row)[1:] for row in rows}
                for n, (*_, future) in enumerate(asked, 1):
                    if not future.done():  # its request may have been cancelled
                        future.set_result(found.get(n))
        finally:
            conn.close()  # back to the pool (no transaction to roll back)

    def close(self) -> None:
        """Close the SQLite reading connection (the engine's pool is the server's)."""
        if self._held is not None:
            self._held.close()
            self._held = None


def _fail(asked: list[_Asked], exc: BaseException) -> None:
    for *_, future in asked:
        if future.done():
            continue
        if isinstance(exc, Exception):
            future.set_exception(exc)
        else:  # cancelled (shutdown): so are the reads waiting on it
            future.cancel()
