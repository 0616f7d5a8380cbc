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
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, Update, bindparam, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.base import as_loaded, utcnow
from storage.deals import Deal, DealEvent
from storage.lean import LeanInsert, autoflush

_DEALS: Table = Deal.__table__  # type: ignore[assignment]
_EVENTS: Table = DealEvent.__table__  # type: ignore[assignment]
#: Every column of a registration but its id (the database assigns it).
DEAL_COLUMNS = tuple(c.key for c in _DEALS.columns if c.key != "id")


#: On the driver (`storage.lean`): through Core, the statement's execution context and
#: result cost more CPU than the INSERT itself.
_INSERT_DEAL = LeanInsert(_DEALS)


async def insert_deal(session: AsyncSession, values: Mapping[str, Any]) -> int:
    """INSERT one registration (every column of DEAL_COLUMNS given) and return its id,
    in one round trip. A repeated `idempotency_key` raises IntegrityError."""
    missing = set(DEAL_COLUMNS) - values.keys()
    if missing:
        raise ValueError(f"a registration needs every column; missing {sorted(missing)}")
    return int(await _INSERT_DEAL.insert(session, values))


def detached_deal(deal_id: int, values: Mapping[str, Any], **related: Any) -> Deal:
    """The stored registration as an ORM object that no session tracks: every column
    (and the `related` objects, e.g. its partner) loaded, no pending change.
    `session.add()` makes it persistent (an UPDATE at the next flush, never a second
    INSERT)."""
    return as_loaded(Deal, {**values, "id": deal_id}, **related)


_INSERT_EVENT = LeanInsert(_EVENTS)
#: What an event's column not given holds (as Core's INSERT leaves it: NULL).
_NO_EVENT_VALUES = dict.fromkeys(_INSERT_EVENT.columns)


async def insert_event(session: AsyncSession, **columns: Any) -> None:
    """INSERT one `deal_events` row (its columns as keywords: `detail` defaults to {},
    `at` to now, `actor_name` to "", the others to NULL) on the driver, after the
    session's pending changes (autoflush)."""
    unknown = columns.keys() - set(_INSERT_EVENT.columns)
    if unknown:
        raise ValueError(f"not columns of a deal event: {sorted(unknown)}")
    await autoflush(session)
    defaults: dict[str, Any] = {**_NO_EVENT_VALUES, "at": utcnow(), "actor_name": "", "detail": {}}
    await _INSERT_EVENT.insert(session, defaults | columns)


@functools.cache
def _update_deal_stmt() -> Update:
    # The SET clause is the parameters' column keys (compiled once per set of keys).
    return update(_DEALS).where(_DEALS.c.id == bindparam("deal_id"))


async def update_deal(session: AsyncSession, deal: Deal, values: Mapping[str, Any]) -> None:
    """Write `values` (column keys) to the registration as one Core UPDATE, and set them
    on `deal` as its loaded values: the ORM's flush has nothing left to write for them.

    The unit of work for a one-row change (flush planning, attribute history, the
    identity map's modified set) cost more than the statement. When `deal` already has
    changes the ORM has not written, or no session holds it, the values are set as
    attributes instead and the ORM writes them all in one UPDATE at the next flush.
    """
    state = inspect(deal)
    if state.modified or not state.persistent:
        for key, value in values.items():
            setattr(deal, key, value)
        return
    unknown = values.keys() - set(DEAL_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of a registration: {sorted(unknown)}")
    await session.execute(_update_deal_stmt(), {"deal_id": deal.id, **values})
    for key, value in values.items():
        set_committed_value(deal, key, value)
