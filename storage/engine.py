"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc, make_url, text
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import _sqlite

SessionFactory = async_sessionmaker[AsyncSession]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # No busy timeout here: storage._sqlite waits for locks on the connection's thread.
    cursor.close()


def _sqlite_creator(url: str) -> Any:
    """Connect as SQLAlchemy's aiosqlite dialect would (same sqlite3 arguments), with
    the one-hop-per-statement cursor of `storage._sqlite`."""
    dialect = aiosqlite_dialect()
    args, kwargs = dialect.create_connect_args(make_url(url))
    return _sqlite.connector(*args, **kwargs)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for `url` (an async driver URL).

    SQLite gets WAL and foreign keys on every connection, and waits for another
    process's lock up to `storage._sqlite.BUSY_WAIT_MS`.
    """
    if url.startswith("sqlite"):
        # SQLite runs one writer at a time. Several pooled connections would contend
        # for its lock through the busy handler (sleep and retry: seconds of tail
        # latency under load); one connection queues transactions in order instead.
        # WAL still lets other processes (the CLI) read while the server writes.
        engine = create_async_engine(
            url, echo=echo, pool_size=1, max_overflow=0, async_creator=_sqlite_creator(url)
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # Last in, first out: the connection returned last is lent next, so after a burst
    # the traffic that follows keeps to the few hot connections (their statements
    # prepared, nothing to ping) and the others stay idle. First in, first out rotated
    # it through every pooled connection: at fewer requests a second than connections
    # each sat idle past PING_AFTER_IDLE_SECONDS between uses and was pinged (three
    # round trips) before nearly every checkout.
    engine = create_async_engine(url, echo=echo, pool_size=20, max_overflow=10, pool_use_lifo=True)
    ping_when_idle(engine)
    return engine


#: A pooled connection idle for longer than this is pinged before it is lent out.
PING_AFTER_IDLE_SECONDS = 1.0


def ping_when_idle(engine: AsyncEngine, *, after: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Ping a pooled connection before lending it out only when it sat idle `after`
    seconds or more (HikariCP's "alive bypass window").

    `pool_pre_ping` pings on every checkout, and on asyncpg a ping outside autocommit
    is three round trips (BEGIN, `;`, ROLLBACK): more than most statements the
    connection is then lent for. A connection returned moments ago by a request that
    used it is alive; one that sat idle (a database restart, a dropped link) is
    checked, and replaced when dead, as `pool_pre_ping` would. A server that dies
    within the window fails the requests that were using it, and the pool then
    replaces its connections (as it does for any disconnect).
    """
    pool_events = engine.sync_engine.pool

    @event.listens_for(pool_events, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool_events, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < after:
            return  # new, or returned moments ago
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool connects anew
            raise


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(session: AsyncSession) -> None:
    """Round-trip to the database; raises when it is unreachable."""
    await session.execute(text("select 1"))


async def statements_alone(session: AsyncSession) -> None:
    """On PostgreSQL, put a session that has run nothing yet in autocommit: each of its
    statements is then a transaction of its own, with no BEGIN and COMMIT round trips
    around them (issue 15), so the caller must write only in statements that are whole
    by themselves (one statement of CTEs). Elsewhere nothing changes."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
