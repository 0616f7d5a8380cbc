"""A registration written as Core statements: its row, its changes, its `deal_events` row.

The form's submission writes one registration, its audit event and its messages and
then commits; nothing reads them back in that transaction. Written through the ORM, the
unit of work (flush planning, identity map, attribute history for each object) cost
more CPU than the statements themselves, so these are plain INSERTs, built once; the
caller gets the registration as a `Deal` that no session tracks (`detached_deal`), which
renders exactly like one that was loaded.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Insert, Table, Update, bindparam, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage import outbox
from storage.base import as_loaded, utcnow
from storage.deals import Deal, DealEvent
from storage.lean import LeanInsert, LeanQuery, autoflush

_DEALS: Table = Deal.__table__  # type: ignore[assignment]
_EVENTS: Table = DealEvent.__table__  # type: ignore[assignment]
_OUTBOX: Table = outbox.OutboxMessage.__table__  # type: ignore[assignment]
#: Every column of a registration but its id (the database assigns it).
DEAL_COLUMNS = tuple(c.key for c in _DEALS.columns if c.key != "id")


#: On the driver (`storage.lean`): through Core, the statement's execution context and
#: result cost more CPU than the INSERT itself.
_INSERT_DEAL = LeanInsert(_DEALS)


async def insert_deal(
    session: AsyncSession,
    values: Mapping[str, Any],
    *,
    event: Mapping[str, Any] | None = None,
    deal_id: int | None = None,
    messages: Sequence[Mapping[str, object]] = (),
) -> int:
    """INSERT one registration (every column of DEAL_COLUMNS given) and return its id,
    in one round trip; with `event` (columns of its `deal_events` row but `deal_id`,
    defaults as in `insert_event`) that row too, in the same round trip on PostgreSQL
    (one statement). With `deal_id` (PostgreSQL: an id the `deals` sequence gave,
    `submit_reads.get_submit_reads(allocate=True)`) the row takes that id, and the
    outbox `messages` (`outbox.insert_rows`' rows, which may name it) go in the same
    statement: whole by itself, even in autocommit. A repeated `idempotency_key`
    raises IntegrityError (and writes none of them)."""
    missing = set(DEAL_COLUMNS) - values.keys()
    if missing:
        raise ValueError(f"a registration needs every column; missing {sorted(missing)}")
    if deal_id is None and messages:
        raise ValueError("messages go with a registration whose id is given")
    if event is None:
        return int(await _INSERT_DEAL.insert(session, values))
    if "deal_id" in event:
        raise ValueError("the event of a new registration takes its id")
    event_values = _event_values(event)
    del event_values["deal_id"]
    await autoflush(session)
    bind = session.bind
    if deal_id is not None:
        if bind is None or bind.dialect.name != "postgresql":
            raise ValueError("a registration's id is given on PostgreSQL only")
        count, queued = _message_params(messages)
        params = {**values, "id": deal_id, **{f"event_{k}": v for k, v in event_values.items()}}
        await _lean_deal_event_messages(count).rows(session, params | queued)
        return deal_id
    if bind is not None and bind.dialect.name == "postgresql":
        params = {**values, **{f"event_{key}": v for key, v in event_values.items()}}
        [(deal_id,)] = await _DEAL_AND_EVENT.rows(session, params)
        return int(deal_id)
    deal_id = int(await _INSERT_DEAL.insert(session, values))
    await _INSERT_EVENT.insert(session, {**event_values, "deal_id": deal_id})
    return deal_id


def _deal_and_event(given_id: bool = False) -> Insert:
    """PostgreSQL: the registration's INSERT as a CTE (`given_id`: with `:id`), and its
    event's INSERT reading the new id from it (`:<column>` for the registration,
    `:event_<column>` for the event)."""
    keys = ("id", *DEAL_COLUMNS) if given_id else DEAL_COLUMNS
    new_deal = (
        insert(_DEALS)
        .values({c: bindparam(c, type_=_DEALS.c[c].type) for c in keys})
        .returning(_DEALS.c.id)
        .cte("new_deal")
    )
    columns = [c for c in _INSERT_EVENT.columns if c != "deal_id"]
    event = select(
        new_deal.c.id, *(bindparam(f"event_{c}", type_=_EVENTS.c[c].type) for c in columns)
    )
    return insert(_EVENTS).from_select(["deal_id", *columns], event).returning(_EVENTS.c.deal_id)


@functools.lru_cache(maxsize=8)
def _lean_deal_event_messages(messages: int) -> LeanQuery:
    """PostgreSQL: `_deal_and_event` with the id given, as a CTE, and that many outbox
    rows (`:m<n>_<column>` for the n-th, every one of `outbox.COLUMNS`): one statement."""

    def build() -> Insert:
        with_event = _deal_and_event(given_id=True)
        return _with_messages(with_event, messages) if messages else with_event

    return LeanQuery(build)


def _message_params(messages: Sequence[Mapping[str, object]]) -> tuple[int, dict[str, object]]:
    """`outbox.insert_rows`' rows, complete (`outbox.new_rows`), as the `:m<n>_<column>`
    parameters of `_with_messages`' statement; and how many."""
    complete = outbox.new_rows(messages)
    params = {f"m{n}_{k}": v for n, row in enumerate(complete) for k, v in row.items()}
    return len(complete), params


def _with_messages(first: Insert, messages: int) -> Insert:
    """An INSERT of `messages` outbox rows (`:m<n>_<column>`) with `first` as its CTE:
    PostgreSQL runs both, whole, in one statement."""
    rows = [
        {c: bindparam(f"m{n}_{c}", type_=_OUTBOX.c[c].type) for c in outbox.COLUMNS}
        for n in range(messages)
    ]
    return insert(_OUTBOX).values(rows).returning(_OUTBOX.c.id).add_cte(first.cte("event"))


def detached_deal(deal_id: int, values: Mapping[str, Any], **related: Any) -> Deal:
    """The stored registration as an ORM object that no session tracks: every column
    (and the `related` objects, e.g. its partner) loaded, no pending change.
    `session.add()` makes it persistent (an UPDATE at the next flush, never a second
    INSERT)."""
    return as_loaded(Deal, {**values, "id": deal_id}, **related)


_INSERT_EVENT = LeanInsert(_EVENTS)
#: What an event's column not given holds (as Core's INSERT leaves it: NULL).
_NO_EVENT_VALUES = dict.fromkeys(_INSERT_EVENT.columns)
_DEAL_AND_EVENT = LeanQuery(_deal_and_event)


def _event_values(columns: Mapping[str, Any]) -> dict[str, Any]:
    unknown = columns.keys() - set(_INSERT_EVENT.columns)
    if unknown:
        raise ValueError(f"not columns of a deal event: {sorted(unknown)}")
    return {**_NO_EVENT_VALUES, "at": utcnow(), "actor_name": "", "detail": {}, **columns}


async def insert_event(session: AsyncSession, **columns: Any) -> None:
    """INSERT one `deal_events` row (its columns as keywords: `detail` defaults to {},
    `at` to now, `actor_name` to "", the others to NULL) on the driver, after the
    session's pending changes (autoflush)."""
    values = _event_values(columns)
    await autoflush(session)
    await _INSERT_EVENT.insert(session, values)


def _update_stmt(keys: tuple[str, ...]) -> Update:
    """The registration's UPDATE of columns `keys` (`:set_<column>`, `:deal_id`)."""
    return (
        update(_DEALS)
        .where(_DEALS.c.id == bindparam("deal_id"))
        .values({key: bindparam(f"set_{key}", type_=_DEALS.c[key].type) for key in keys})
    )


@functools.lru_cache(maxsize=32)
def _lean_update(keys: tuple[str, ...]) -> LeanQuery:
    return LeanQuery(lambda: _update_stmt(keys))


@functools.lru_cache(maxsize=32)
def _lean_update_and_event(keys: tuple[str, ...], messages: int = 0) -> LeanQuery:
    """PostgreSQL: the UPDATE as a CTE, and the event's INSERT reading the id from it
    (`:event_<column>` for the event): one statement, one round trip. With `messages`,
    the event's INSERT is a CTE too, and the statement INSERTs that many outbox rows
    (`:m<n>_<column>` for the n-th, every one of `outbox.COLUMNS`)."""

    def build() -> Insert:
        changed = _update_stmt(keys).returning(_DEALS.c.id).cte("changed")
        columns = [c for c in _INSERT_EVENT.columns if c != "deal_id"]
        event = select(
            changed.c.id, *(bindparam(f"event_{c}", type_=_EVENTS.c[c].type) for c in columns)
        )
        with_event = (
            insert(_EVENTS).from_select(["deal_id", *columns], event).returning(_EVENTS.c.deal_id)
        )
        return _with_messages(with_event, messages) if messages else with_event

    return LeanQuery(build)


def _writes_now(deal: Deal, values: Mapping[str, Any]) -> bool:
    """Whether `values` can be written as a statement now: `deal` is persistent with no
    change the ORM has not written (else they are set on it for the next flush)."""
    state = inspect(deal)
    if state.modified or not state.persistent:
        for key, value in values.items():
            setattr(deal, key, value)
        return False
    unknown = values.keys() - set(DEAL_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of a registration: {sorted(unknown)}")
    return True


async def update_deal(session: AsyncSession, deal: Deal, values: Mapping[str, Any]) -> None:
    """Write `values` (column keys) to the registration as one UPDATE on the driver
    (`storage.lean`), and set them on `deal` as its loaded values: the ORM's flush has
    nothing left to write for them.

    The unit of work for a one-row change (flush planning, attribute history, the
    identity map's modified set) cost more than the statement, and so did Core's
    execution of it. When `deal` already has changes the ORM has not written, or no
    session holds it, the values are set as attributes instead and the ORM writes them
    all in one UPDATE at the next flush.
    """
    if not _writes_now(deal, values):
        return
    await autoflush(session)
    keys = tuple(values)
    await _lean_update(keys).rows(
        session, {"deal_id": deal.id, **{f"set_{k}": v for k, v in values.items()}}
    )
    for key, value in values.items():
        set_committed_value(deal, key, value)


#: Builds the outbox rows (`storage.outbox.insert_rows`) queued with a change, once the
#: change is on the registration's object.
Messages = Callable[[], Awaitable[Sequence[Mapping[str, object]]]]


def _fuses(session: AsyncSession, deal: Deal, values: Mapping[str, Any]) -> bool:
    """Whether the change is one statement with its event (and messages): PostgreSQL,
    and `deal` has no other change pending (`_writes_now`)."""
    bind = session.bind
    return bind is not None and bind.dialect.name == "postgresql" and _writes_now(deal, values)


async def change_deal(
    session: AsyncSession,
    deal: Deal,
    values: Mapping[str, Any],
    *,
    event: Mapping[str, Any],
    messages: Messages | None = None,
) -> int:
    """`update_deal`, then `insert_event` of `event` (its columns but `deal_id`), then
    `outbox.insert_rows` of what `messages` builds (called with the change on `deal`):
    on PostgreSQL one statement (one round trip inside the transaction that holds the
    registration's lock, instead of three). Returns how many messages were queued."""
    if "deal_id" in event:
        raise ValueError("the event of a change is the registration's")
    if not _fuses(session, deal, values):
        await update_deal(session, deal, values)
        await insert_event(session, **event, deal_id=deal.id)
        rows: Sequence[Mapping[str, object]] = await messages() if messages is not None else ()
        await outbox.insert_rows(session, rows)
        return len(rows)
    event_values = _event_values(event)
    del event_values["deal_id"]
    await autoflush(session)
    before = {key: getattr(deal, key) for key in values}
    for key, value in values.items():
        set_committed_value(deal, key, value)
    try:
        count, queued = _message_params(await messages() if messages is not None else ())
        params = {
            "deal_id": deal.id,
            **{f"set_{k}": v for k, v in values.items()},
            **{f"event_{k}": v for k, v in event_values.items()},
        }
        await _lean_update_and_event(tuple(values), count).rows(session, params | queued)
    except BaseException:
        for key, value in before.items():  # not written: the object says so again
            set_committed_value(deal, key, value)
        raise
    return count
