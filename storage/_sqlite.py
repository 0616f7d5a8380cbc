"""SQLite connections whose statements cost no thread hop unless they must wait.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy's adapter
makes four calls per statement (open a cursor, execute, fetch, close). The cursor here
does all four in one call and keeps the rows, so the adapter's later fetch and close
calls return at once; a commit or rollback with no transaction open costs nothing.

That one call runs on the event loop itself when it cannot wait: a hand-off to the
thread and back (a futex wake-up, a GIL hand-over, a loop wake-up) costs ~100-150 us of
CPU under load, several times what a point read or a one-row write takes in SQLite (WAL
with synchronous=NORMAL: a statement writes no more than the page cache and the WAL,
and never fsyncs). The connection's busy timeout is 0, so a statement that meets
another process's lock fails at once with SQLITE_BUSY, before it changed anything; it
is then run again on the thread with a busy timeout of BUSY_WAIT_MS, exactly as every
statement used to run. A statement that once took longer than ON_LOOP_MAX_SECONDS (a
search, a report) runs on the thread from then on, so the loop is not held up by it
again (CPU time of the loop's thread: being preempted on a busy machine does not make
a statement slow, nor does a garbage collection that ran during it, `storage._cpu`).

Commits run on the loop too, once the connection is known to be in WAL mode with
synchronous=NORMAL: such a commit appends its pages to the WAL and syncs nothing. What
syncs is a checkpoint, which SQLite would otherwise run inside the commit that grows
the WAL past 1,000 pages; this connection turns that off (`wal_autocheckpoint=0`) and
runs the same PASSIVE checkpoint itself, on the thread, with every CHECKPOINT_EVERY-th
commit (or sooner after big ones), so the WAL stays about as small as before. Any
other journal mode or sync level commits on the thread as before; so do rollbacks, and
a commit that meets another process's lock. Durability is unchanged: the same
statements commit the same way, and the WAL is checkpointed as often.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, TypeGuard

import aiosqlite
from aiosqlite.context import contextmanager

from storage._cpu import cpu_time

logger = logging.getLogger(__name__)

#: How long a statement waits for another connection's lock (on the thread), in ms.
BUSY_WAIT_MS = 5000
#: A statement that once took more CPU time than this runs on the thread from then on.
ON_LOOP_MAX_SECONDS = 0.002
#: Distinct slow statements remembered per connection (beyond: all run on the thread).
SLOW_STATEMENTS = 1000
#: Commits between two checkpoints (on the thread), and rows changed that bring the
#: next one forward: a registration writes ~10 pages, so ~100 commits are what
#: SQLite's own 1,000-page autocheckpoint lets through.
CHECKPOINT_EVERY = 100
CHECKPOINT_CHANGES = 2000


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _PrefetchingCursor(aiosqlite.Cursor):
    """Executes, fetches every row and closes the sqlite3 cursor in one call."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn, None)  # type: ignore[arg-type]  # set by the first execute
        self._rows: deque[Any] = deque()

    def _run(self, many: bool, sql: str, parameters: Any) -> list[Any]:
        # Runs on the event loop, or on the connection's thread when it must wait.
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

    def _run_waiting(self, many: bool, sql: str, parameters: Any) -> list[Any]:
        # Runs on the connection's thread, which may wait for another process's lock.
        with _waiting(self._conn._conn):
            return self._run(many, sql, parameters)

    async def _rows_of(self, many: bool, sql: str, parameters: Any) -> list[Any]:
        connection: _Connection = self._conn  # type: ignore[assignment]
        slow = connection.slow
        if sql not in slow:
            started = cpu_time()
            try:
                rows = self._run(many, sql, parameters)  # on the loop: it never waits
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
            else:
                spent = cpu_time() - started
                if spent > ON_LOOP_MAX_SECONDS:
                    connection.ran_slowly(sql, spent)
                return rows
        rows = await self._execute(self._run_waiting, many, sql, parameters)  # type: ignore[no-untyped-call]
        return list(rows)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        params = [] if parameters is None else parameters
        self._rows = deque(await self._rows_of(False, sql, params))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> aiosqlite.Cursor:
        if not isinstance(parameters, list | tuple):
            parameters = list(parameters)  # may be run twice (see _rows_of)
        self._rows = deque(await self._rows_of(True, sql, parameters))
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


class _Everything(set[str]):
    """A set of slow statements that holds every statement."""

    def __contains__(self, _sql: object) -> bool:
        return True


@contextlib.contextmanager
def _waiting(raw: sqlite3.Connection) -> Iterator[None]:
    """Give the sqlite3 connection a busy timeout for the block (it has none otherwise)."""
    raw.execute(f"PRAGMA busy_timeout={BUSY_WAIT_MS}")
    try:
        yield
    finally:
        raw.execute("PRAGMA busy_timeout=0")


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection with the cursor above, and statements known to be slow."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slow: set[str] = set()
        self._commits_on_loop: bool | None = None  # decided at the first commit
        self._commits = 0  # since the last checkpoint
        self._changes_at_checkpoint = 0

    def ran_slowly(self, sql: str, spent: float) -> None:
        """Run `sql` on the thread from now on (every statement, past SLOW_STATEMENTS)."""
        logger.info(
            "SQLite statement took %.1f ms of CPU on the event loop; it runs on the "
            "connection's thread from now on: %.200s",
            spent * 1000,
            sql,
        )
        if len(self.slow) < SLOW_STATEMENTS:
            self.slow.add(sql)
        else:
            self.slow = _Everything()

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return _PrefetchingCursor(self)

    # A session that only read ends with a rollback (and a `session.begin()` block
    # that only read, with a commit) of a transaction sqlite3 never opened: nothing to
    # do, so no hand-off to the connection's thread. `in_transaction` reads SQLite's
    # autocommit flag; the pool lends this connection to one user at a time, who is
    # awaiting this very call, so no statement runs on it meanwhile.

    async def commit(self) -> None:
        raw = self._conn
        if not raw.in_transaction:
            return
        if self._commits_on_loop is None:
            self._commits_on_loop = _wal_without_sync(raw)
        if self._commits_on_loop and not self._checkpoint_due(raw):
            try:
                raw.commit()  # appends to the WAL, syncs nothing, never checkpoints
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
            else:
                self._commits += 1
                return
        await self._execute(self._waiting_for, self._commit_and_checkpoint)  # type: ignore[no-untyped-call]

    def _checkpoint_due(self, raw: sqlite3.Connection) -> bool:
        changed = raw.total_changes - self._changes_at_checkpoint
        return self._commits + 1 >= CHECKPOINT_EVERY or changed >= CHECKPOINT_CHANGES

    def _commit_and_checkpoint(self) -> None:
        # On the thread: the checkpoint syncs the WAL and the database file.
        raw = self._conn
        raw.commit()
        if self._commits_on_loop:
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._commits, self._changes_at_checkpoint = 0, raw.total_changes

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await self._execute(self._waiting_for, self._conn.rollback)  # type: ignore[no-untyped-call]

    def _waiting_for(self, call: Any) -> Any:
        with _waiting(self._conn):
            return call()


def _wal_without_sync(raw: sqlite3.Connection) -> bool:
    """Whether a commit on `raw` syncs nothing (WAL, synchronous=NORMAL or OFF); if so,
    its automatic checkpoints are turned off (the connection runs them, see above)."""
    mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    sync = raw.execute("PRAGMA synchronous").fetchone()[0]
    if str(mode).lower() != "wal" or int(sync) > 1:
        return False
    raw.execute("PRAGMA wal_autocheckpoint=0")
    return True


def connector(database: str, **kwargs: Any) -> Any:
    """An `async_creator` for SQLAlchemy: opens `database` with sqlite3 `kwargs`, and
    no busy timeout (statements that must wait for a lock wait on the thread)."""
    kwargs = {**kwargs, "timeout": 0}

    async def connect() -> aiosqlite.Connection:
        connection = _Connection(partial(sqlite3.connect, database, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for plain aiosqlite
        return await connection

    return connect


def is_ours(connection: object) -> TypeGuard[aiosqlite.Connection]:
    """Whether `connection` (a driver connection) is one `connector` opened."""
    return isinstance(connection, _Connection)


async def rows_of(
    connection: aiosqlite.Connection, sql: str, parameters: Any, *, many: bool = False
) -> list[Any]:
    """The rows of `sql` run on `connection` (`is_ours`) exactly as its cursor runs it
    (on the loop unless it must wait), for a caller that holds the connection already
    (`storage.lean`), without SQLAlchemy's adapter cursor around it."""
    return await _PrefetchingCursor(connection)._rows_of(many, sql, parameters)
