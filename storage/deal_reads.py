"""The reads of a registration's submission, of a click on its card and of a reply in
its thread, on the driver (`storage.lean`): one statement each instead of the ORM's
two or three, and no ORM loading (issue 15).

They return the same ORM objects the ORM reads return, with the same values (a test
compares them on both databases): built from the row and attached to the session as
if loaded (`storage.base.as_loaded`, then `session.add`), so a change to them is
an UPDATE at the next flush, as for a loaded object. When the session already holds
one of them, the ORM read runs instead (two objects for one row would clash).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import Select

from storage import deals as deal_store
from storage.base import Base, as_loaded
from storage.deals import Deal
from storage.lean import LeanQuery, Row
from storage.partners import Partner, PartnerChannel
from storage.people import Person
from storage.threads import Thread

T = TypeVar("T", bound=Base)


@functools.cache
def _keys(model: type[Base]) -> tuple[str, ...]:
    return tuple(c.key for c in model.__table__.columns)


def _entity(model: type[T], keys: Sequence[str], values: Sequence[Any], **related: Any) -> T:
    """`model` as loaded from `values` (every column), tracked by no session yet."""
    return as_loaded(model, dict(zip(keys, values, strict=True)), **related)


def _deal_stmt(for_update: bool, *, with_manager: bool = False) -> Select[Any]:
    manager = Person.__table__.columns if with_manager else ()
    stmt = (
        select(
            *Deal.__table__.columns,
            *Partner.__table__.columns,
            *PartnerChannel.__table__.c,
            *manager,
        )
        .join(Partner, Partner.id == Deal.partner_id)
        .outerjoin(PartnerChannel, PartnerChannel.partner_id == Partner.id)
        .where(Deal.id == bindparam("deal_id"))
        .order_by(PartnerChannel.id)
    )
    if with_manager:
        stmt = stmt.outerjoin(Person, Person.id == Partner.manager_id)
    # Locks the registration's row only, as the ORM read does.
    return stmt.with_for_update(of=Deal.__table__) if for_update else stmt


_DEAL = {False: LeanQuery(lambda: _deal_stmt(False)), True: LeanQuery(lambda: _deal_stmt(True))}
_DEAL_AND_MANAGER = {
    False: LeanQuery(lambda: _deal_stmt(False, with_manager=True)),
    True: LeanQuery(lambda: _deal_stmt(True, with_manager=True)),
}


def _partner_with_channels(rows: list[Row], start: int) -> Partner:
    """The partner in `rows` at column `start`, its channels right after it."""
    partner_keys, channel_keys = _keys(Partner), _keys(PartnerChannel)
    middle = start + len(partner_keys)
    end = middle + len(channel_keys)
    channels = [
        _entity(PartnerChannel, channel_keys, row[middle:end])
        for row in rows
        if row[middle] is not None
    ]
    partner = _entity(Partner, partner_keys, rows[0][start:middle], channels=channels)
    for channel in channels:  # as the backref of `Partner(channels=...)` would
        set_committed_value(channel, "partner", partner)
    return partner


def _held(session: AsyncSession, *keys: tuple[type[Base], Any]) -> bool:
    """Whether the session already holds any of these (model, primary key) objects."""
    identities = session.identity_map
    return any(identity_key(model, key) in identities for model, key in keys)


async def get_deal(session: AsyncSession, deal_id: int, *, for_update: bool = False) -> Deal | None:
    """`storage.deals.get_deal`: the registration with its partner and the partner's
    channels (locked with `for_update`), in one statement on the driver."""
    if _held(session, (Deal, deal_id)):
        return await deal_store.get_deal(session, deal_id, for_update=for_update)
    rows = await _DEAL[for_update].rows(session, {"deal_id": deal_id})
    if not rows:
        return None
    return _attached(session, rows) or await deal_store.get_deal(
        session, deal_id, for_update=for_update
    )


async def get_deal_and_manager(
    session: AsyncSession, deal_id: int, *, for_update: bool = False
) -> tuple[Deal | None, Person | None]:
    """`get_deal` and `get_person_by_id` of the partner's owning manager (None when the
    partner has none) in one statement: a reply in a registration's thread tells that
    manager, and reading them apart took one more round trip inside the transaction
    that holds the registration's lock."""
    if not _held(session, (Deal, deal_id)):
        rows = await _DEAL_AND_MANAGER[for_update].rows(session, {"deal_id": deal_id})
        if not rows:
            return None, None
        deal = _attached(session, rows)
        if deal is not None:
            person_keys = _keys(Person)
            values = rows[0][-len(person_keys) :]
            if values[0] is None:
                return deal, None
            held = session.identity_map.get(identity_key(Person, values[0]))
            return deal, held if held is not None else _entity(Person, person_keys, values)
    # The session holds some of it: the ORM reads, as `get_deal` does then.
    found = await deal_store.get_deal(session, deal_id, for_update=for_update)
    if found is None or found.partner.manager_id is None:
        return found, None
    return found, await get_person_by_id(session, found.partner.manager_id)


def _attached(session: AsyncSession, rows: list[Row]) -> Deal | None:
    """The registration of `rows` (with its partner and channels) added to the session
    as loaded; None when the session already holds its partner or a channel (the
    caller then reads it through the ORM)."""
    deal_keys = _keys(Deal)
    width = len(deal_keys)
    first = rows[0]
    partner_id = first[width]
    channel_ids = [row[width + len(_keys(Partner))] for row in rows]
    if _held(session, (Partner, partner_id), *((PartnerChannel, c) for c in channel_ids if c)):
        return None
    partner = _partner_with_channels(rows, width)
    deal = _entity(Deal, deal_keys, first[:width], partner=partner)
    session.add(deal)  # persistent with its partner and channels, nothing to write
    return deal


def submit_context_stmt(*, ordered: bool = True) -> Select[Any]:
    """The partner (`:partner_id`) with each of its channels (a row each, by id when
    `ordered`), its owning manager and the id of the registration stored under
    `:idempotency_key`."""
    existing = (
        select(Deal.id)
        .where(Deal.idempotency_key == bindparam("idempotency_key", type_=String))
        .scalar_subquery()
    )
    return (
        select(
            *Partner.__table__.columns,
            *PartnerChannel.__table__.columns,
            *Person.__table__.columns,
            existing,
        )
        .outerjoin(PartnerChannel, PartnerChannel.partner_id == Partner.id)
        .outerjoin(Person, Person.id == Partner.manager_id)
        .where(Partner.id == bindparam("partner_id"))
        .order_by(*((PartnerChannel.id,) if ordered else ()))
    )


_SUBMIT_CONTEXT = LeanQuery(submit_context_stmt)


async def get_submit_context(
    session: AsyncSession, partner_id: int, *, idempotency_key: str
) -> deal_store.SubmitContext | None:
    """`storage.deals.get_submit_context` on the driver: the partner with its channels
    (in the session, as loaded), its owning manager (for reading only) and the id of
    the registration already stored under `idempotency_key`, in one statement."""
    if session.identity_map:  # a session in use: its objects must not be loaded twice
        return await deal_store.get_submit_context(
            session, partner_id, idempotency_key=idempotency_key
        )
    params = {"partner_id": partner_id, "idempotency_key": idempotency_key}
    rows = await _SUBMIT_CONTEXT.rows(session, params)
    return submit_context_of(session, rows) if rows else None


#: How many columns a row of `submit_context_stmt` has.
SUBMIT_CONTEXT_WIDTH = len(_keys(Partner)) + len(_keys(PartnerChannel)) + len(_keys(Person)) + 1
#: Where a row of `submit_context_stmt` has its channel's id.
SUBMIT_CHANNEL_ID_AT = len(_keys(Partner)) + _keys(PartnerChannel).index("id")


def submit_context_of(session: AsyncSession, rows: Sequence[Row]) -> deal_store.SubmitContext:
    """The submission's context from the rows of `submit_context_stmt` (their first
    `SUBMIT_CONTEXT_WIDTH` columns), its partner added to the session as loaded."""
    partner = _partner_with_channels(list(rows), 0)
    start = len(_keys(Partner)) + len(_keys(PartnerChannel))
    person_keys = _keys(Person)
    first = rows[0]
    manager_values = first[start : start + len(person_keys)]
    manager = _entity(Person, person_keys, manager_values) if manager_values[0] else None
    session.add(partner)
    return deal_store.SubmitContext(partner, manager, first[SUBMIT_CONTEXT_WIDTH - 1])


_PERSON = LeanQuery(lambda: select(*Person.__table__.columns).where(Person.id == bindparam("id")))


async def get_person_by_id(session: AsyncSession, person_id: int) -> Person | None:
    """`storage.people.get_person_by_id` without the flush and the ORM load: the person
    as committed (or written earlier in this transaction), not tracked by the session.
    For reading only (a message's recipient)."""
    held = session.identity_map.get(identity_key(Person, person_id))
    if held is not None:
        return held
    rows = await _PERSON.rows(session, {"id": person_id})
    return _entity(Person, _keys(Person), rows[0]) if rows else None


_THREAD_KEYS = LeanQuery(
    lambda: (
        select(Thread.key)
        .where(
            Thread.platform == bindparam("platform"),
            Thread.channel_id == bindparam("channel_id"),
            Thread.thread_id == bindparam("thread_id"),
        )
        .order_by(Thread.created_at, Thread.key)
    )
)


async def list_thread_keys(
    session: AsyncSession, platform: str, channel_id: str, thread_id: str
) -> list[str]:
    """`storage.thread_store.list_thread_keys` on the driver: the keys recorded for the
    thread at this place, oldest first (every message in a thread asks)."""
    params = {"platform": platform, "channel_id": channel_id, "thread_id": thread_id}
    return [str(row[0]) for row in await _THREAD_KEYS.rows(session, params)]
