"""The person behind a request, read fresh on every request at little more than the
cost of the statement itself (issue 15).

Authorization reads roles fresh (nothing cached), so this read runs once per request
and its overhead is what matters. Through a session it costs ~200 us of CPU on SQLite
(the statement hops to aiosqlite's thread and back, and waits its turn on the server's
one connection behind every write) and four to six round trips on PostgreSQL (the
pool's ping, BEGIN, SELECT, ROLLBACK), against ~20 us for the statement.

- SQLite: one SQLAlchemy Core statement on a read-only connection of its own, run
  synchronously on the event loop. A WAL reader never waits for a writer, so the call
  takes the statement's ~20 us; each statement is its own read transaction, so it sees
  everything committed before it (this process, the CLI, any other). Should it still
  find the database busy (a non-WAL file, a recovery), it gives up at once and the read
  goes through a session as before, never blocking the loop.
- PostgreSQL: the same statement on a pooled connection in autocommit: no BEGIN and
  ROLLBACK around it, one round trip.
- Any other database (an in-memory SQLite has no file to share): through a session.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.people import PERSON_IN_PLACE, PersonInPlace, read_person_in_place


def _reader_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Never wait for a lock on the event loop: a busy database is read through a session.
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    dbapi_connection.execute("PRAGMA query_only=ON")


def _sqlite_file(engine: AsyncEngine) -> str | None:
    """The file of an SQLite engine's database, or None (another backend, in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query:
        return None
    return database


class PersonReader:
    """Reads a person in their place (`storage.people.PersonInPlace`) for every request.

    Built once per process from the server's engine (app.py puts it in Deps); `close()`
    releases its SQLite connection.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite: Engine | None = None
        self._held: Connection | None = None  # the SQLite reading connection, once opened
        self._autocommit: AsyncEngine | None = None
        path = _sqlite_file(engine)
        if path is not None:
            # One connection suffices: it is used synchronously, by one caller at a time.
            self._sqlite = create_engine(f"sqlite:///{path}", pool_size=1, max_overflow=0)
            event.listen(self._sqlite, "connect", _reader_pragmas)
        elif engine.dialect.name == "postgresql":
            self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def mode(self) -> str:
        """How reads run: "sqlite-sync", "autocommit" or "session"."""
        if self._sqlite is not None:
            return "sqlite-sync"
        return "autocommit" if self._autocommit is not None else "session"

    async def person_in_place(
        self, platform: str, user_id: str, *, channel_id: str | None
    ) -> PersonInPlace | None:
        """The person and their place as committed now, or None for someone new."""
        params = {"platform": platform, "user_id": user_id, "channel_id": channel_id}
        if self._sqlite is not None:
            try:
                row = self._read_sqlite(self._sqlite, params)
            except OperationalError:  # busy or locked: read the slow way, never wait here
                pass
            else:
                return PersonInPlace(*row) if row is not None else None
        if self._autocommit is not None:
            async with self._autocommit.connect() as conn:
                row = (await conn.execute(PERSON_IN_PLACE, params)).one_or_none()
            return PersonInPlace(*row) if row is not None else None
        async with AsyncSession(self._engine) as session:
            return await read_person_in_place(session, platform, user_id, channel_id=channel_id)

    def _read_sqlite(self, engine: Engine, params: dict[str, Any]) -> Any:
        # The connection is held between reads (a checkout per read costs more than the
        # statement); nothing awaits in here, so no two reads ever share it at once.
        conn = self._held
        if conn is None or conn.closed or conn.invalidated:
            conn = self._held = engine.connect()
        try:
            return conn.execute(PERSON_IN_PLACE, params).one_or_none()
        finally:
            conn.rollback()  # ends SQLAlchemy's transaction; SQLite opened none to read

    def close(self) -> None:
        """Close the SQLite reading connection (the engine's pool is the server's)."""
        if self._held is not None:
            self._held.close()
            self._held = None
        if self._sqlite is not None:
            self._sqlite.dispose()
