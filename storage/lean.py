"""SELECTs (and DML with RETURNING) run on the driver, inside a session's own
transaction (issue 15).

A button click or a thread reply reads one registration with its partner and channels,
and through the ORM that read cost more CPU than the rest of the request: the
statement's execution context and result processing in SQLAlchemy Core (~100 us a
statement) and, for ORM entities, loading (identity map, `selectinload`'s second and
third statements). A `LeanQuery` is a Core SELECT compiled once per dialect; it runs on
the DB-API connection the session already holds, so it is part of the session's
transaction exactly as `session.execute` would be (on PostgreSQL the adapter begins it
first; a `FOR UPDATE` locks until the commit; on SQLite the statement goes straight to
the connection's own cursor, `storage._sqlite`, which every statement ends up in: on
the loop, or on the connection's thread when it must wait for another process's
lock), and each column of each row goes through that
column type's own result processor for the dialect, so the values are the ones the ORM
would have loaded (a test compares them on both databases).

What is lost against `session.execute`: SQLAlchemy's events and statement logging for
these statements. Errors are raised as SQLAlchemy's (`DBAPIError.instance`), and a
connection found dead is invalidated, as `Connection` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import Table, bindparam, exc, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import CompoundSelect, Select
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util import greenlet_spawn

from storage import _sqlite

Row = tuple[Any, ...]
#: Rows that `LeanInsert.insert_many` writes as one statement (more: `executemany`).
VALUES_ROWS = 8


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...]  # the positional parameters' names
    fixed: dict[str, Any]  # the values of the statement's own parameters (a LIMIT)
    binders: tuple[Callable[[Any], Any] | None, ...]  # one per positional parameter
    processors: tuple[Callable[[Any], Any] | None, ...]


Statement = Select[Any] | CompoundSelect[Any] | UpdateBase


class LeanQuery:
    """A SELECT, or an INSERT/UPDATE/DELETE whose rows are its RETURNING clause, built
    on first use (`build()`: the models must be complete) and compiled once per
    dialect. The values given for its parameters go through their types' bind
    processors for the dialect (timestamps), as `session.execute` does; none of them
    may be a list, and the statement's own constants (a LIMIT, a constant `IN` list)
    must need no processing (checked when compiled)."""

    def __init__(self, build: Callable[[], Statement]) -> None:
        self._build = build
        self._statement: Statement | None = None
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = f"{dialect.name}+{dialect.driver}"
        found = self._by_dialect.get(key)
        if found is not None:
            return found
        if self._statement is None:
            self._statement = self._build()
        statement = self._statement
        first = statement.compile(dialect=dialect)
        given = [b.key for b in first.binds.values() if b.required]
        binder = {
            b.key: b.type.dialect_impl(dialect).bind_processor(dialect)
            for b in first.binds.values()
        }
        for bind in first.binds.values():
            if not bind.required and binder[bind.key] is not None:
                raise ValueError(f"constant {bind.key!r} needs processing; use session.execute")
            if bind.required and bind.expanding:
                raise ValueError(f"parameter {bind.key!r} is a list; use session.execute")
        # The statement's own lists (`IN (...)` of constants) become one parameter per
        # value, with the values they hold.
        expanded = first.construct_expanded_state(dict.fromkeys(given))
        order = tuple(expanded.positiontup or ())
        if not order and given:
            raise ValueError(f"{dialect.name}: a LeanQuery needs a positional paramstyle")
        fixed = {k: v for k, v in expanded.parameters.items() if k not in given}
        binders = tuple(binder.get(name) if name in given else None for name in order)
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.exported_columns
        )
        found = _Compiled(expanded.statement, order, fixed, binders, processors)
        self._by_dialect[key] = found
        return found

    async def raw_rows(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> tuple[Sequence[Any], tuple[Callable[[Any], Any] | None, ...]]:
        """The statement's rows as the driver returned them, and each column's result
        processor (None: the value is already the one `rows` gives): for a statement
        whose rows differ in which columns they use, so that only those are processed."""
        connection = await _connection(session)
        compiled = self._compiled(connection.dialect)
        fixed = compiled.fixed
        args = tuple(
            fixed[name] if name in fixed else params[name] if b is None else b(params[name])
            for name, b in zip(compiled.order, compiled.binders, strict=True)
        )
        return await _fetched(connection, compiled.sql, args), compiled.processors

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> list[Row]:
        """The statement's rows, read in the session's transaction (begun if need be)."""
        raw, processors = await self.raw_rows(session, params)
        if not any(processors):
            return [tuple(row) for row in raw]
        return [
            tuple(p(v) if p is not None else v for p, v in zip(processors, row, strict=True))
            for row in raw
        ]


async def _connection(session: AsyncSession) -> Connection:
    """The session's connection, in its transaction (begun if need be)."""
    connection = (await session.connection()).sync_connection
    assert connection is not None
    return connection


async def _fetched(
    connection: Connection, sql: str, args: tuple[Any, ...] | list[tuple[Any, ...]]
) -> Sequence[Any]:
    """`_fetch`, from the event loop. On this project's SQLite connections the statement
    goes straight to the connection's own cursor (`storage._sqlite`: on the loop unless
    it must wait), without SQLAlchemy's adapter cursor: its greenlet hops and awaits
    (open, execute, fetch, close) cost several times a point read (issue 15)."""
    driver = None if connection.invalidated else connection.connection.driver_connection
    if not _sqlite.is_ours(driver):
        return await greenlet_spawn(_fetch, connection, sql, args)
    many = isinstance(args, list)
    try:
        return await _sqlite.rows_of(driver, sql, args, many=many)
    except connection.dialect.loaded_dbapi.Error as error:
        await greenlet_spawn(_raise, connection, sql, args, error)
        raise AssertionError("not reached") from error


def _fetch(
    connection: Connection, sql: str, args: tuple[Any, ...] | list[tuple[Any, ...]]
) -> Sequence[Any]:
    """`sql` on the connection's DB-API connection (in a greenlet): its rows (none for
    a statement without any), errors raised as SQLAlchemy's, a dead connection
    invalidated. A list of `args` runs it once for each (`executemany`, no rows)."""
    dialect = connection.dialect
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor = dbapi_connection.cursor()
    try:
        if isinstance(args, list):
            cursor.executemany(sql, args)
            return []
        cursor.execute(sql, args)
        return cursor.fetchall() if cursor.description else []
    except dialect.loaded_dbapi.Error as error:
        _raise(connection, sql, args, error, cursor)
    finally:
        cursor.close()


def _raise(
    connection: Connection,
    sql: str,
    args: tuple[Any, ...] | list[tuple[Any, ...]],
    error: Any,
    cursor: Any = None,
) -> NoReturn:
    """Raise the driver's `error` as SQLAlchemy's, invalidating a dead connection first
    as `Connection` does (in a greenlet: closing it may await the driver)."""
    dialect = connection.dialect
    dead = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if dead:
        connection.invalidate(error)
    raise exc.DBAPIError.instance(
        sql,
        args,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=dead,
        dialect=dialect,
    ) from error


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    order: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]  # one per positional parameter

    def args(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            values[name] if p is None else p(values[name])
            for name, p in zip(self.order, self.processors, strict=True)
        )


class LeanInsert:
    """An INSERT into `table` of every column but its primary key: one row returning
    its new primary key (`insert`), or many rows (`insert_many`: one statement, or an
    `executemany` past VALUES_ROWS). Compiled once per dialect and row count and run on
    the driver like a `LeanQuery` (in the session's transaction). Each value goes
    through its column type's bind processor for the dialect (JSON, dates), as
    `session.execute` does. What is lost against it:
    SQLAlchemy's events and logging for the statement."""

    def __init__(self, table: Table) -> None:
        self._table = table
        [self._key] = [c for c in table.primary_key.columns]
        self.columns = tuple(c.key for c in table.columns if c is not self._key)
        self._by_dialect: dict[tuple[str, bool, int], _CompiledInsert] = {}

    def _compiled(
        self, dialect: Dialect, *, returning: bool = True, rows: int = 1
    ) -> _CompiledInsert:
        """The INSERT of `rows` rows (`rows` > 1: their parameters `:r<n>_<column>`)."""
        key = (f"{dialect.name}+{dialect.driver}", returning, rows)
        found = self._by_dialect.get(key)
        if found is not None:
            return found
        table = self._table

        def named(n: int, name: str) -> str:
            return name if rows == 1 else f"r{n}_{name}"

        values = [
            {name: bindparam(named(n, name), type_=table.c[name].type) for name in self.columns}
            for n in range(rows)
        ]
        statement = insert(table).values(values[0] if rows == 1 else values)
        if returning:
            statement = statement.returning(self._key)
        compiled = statement.compile(dialect=dialect)
        order = tuple(compiled.positiontup or ())
        wanted = [named(n, name) for n in range(rows) for name in self.columns]
        if sorted(order) != sorted(wanted):
            raise ValueError(f"{dialect.name}: a LeanInsert needs a positional paramstyle")
        column_of = {named(n, name): name for n in range(rows) for name in self.columns}
        processors = tuple(
            table.c[column_of[name]].type.dialect_impl(dialect).bind_processor(dialect)
            for name in order
        )
        found = _CompiledInsert(compiled.string, order, processors)
        self._by_dialect[key] = found
        return found

    async def insert(self, session: AsyncSession, values: Mapping[str, Any]) -> Any:
        """INSERT the row (`values` has every one of `columns`); its primary key."""
        connection = await _connection(session)
        compiled = self._compiled(connection.dialect)
        [row] = await _fetched(connection, compiled.sql, compiled.args(values))
        return row[0]

    async def insert_many(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        """INSERT the rows in the order given (each has every one of `columns`): up to
        VALUES_ROWS of them as one statement with a row of VALUES each (compiled once
        per count), more in one `executemany`. On asyncpg an `executemany` costs
        several times one statement's execution, even for one row (issue 15)."""
        if not rows:
            return
        connection = await _connection(session)
        if len(rows) > VALUES_ROWS:
            compiled = self._compiled(connection.dialect, returning=False)
            await _fetched(connection, compiled.sql, [compiled.args(values) for values in rows])
            return
        compiled = self._compiled(connection.dialect, returning=False, rows=len(rows))
        if len(rows) == 1:
            await _fetched(connection, compiled.sql, compiled.args(rows[0]))
            return
        numbered = {f"r{n}_{k}": v for n, values in enumerate(rows) for k, v in values.items()}
        await _fetched(connection, compiled.sql, compiled.args(numbered))


async def autoflush(session: AsyncSession) -> None:
    """Write the session's pending changes first, as `session.execute` would before its
    statement (autoflush): a lean statement after them keeps their order (the ids of
    rows queued one after another) and sees them (a pending row it refers to)."""
    if session.sync_session.autoflush and (session.new or session.dirty or session.deleted):
        await session.flush()
