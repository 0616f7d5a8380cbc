"""The lean reads of a card click and a thread reply return what the ORM reads return,
take part in the session's transaction (a change is written, a lock is held), and
fail as SQLAlchemy errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import exc, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import deal_reads, partners, people
from storage import deals as deal_store
from storage import threads as thread_store
from storage.base import Base
from storage.deals import Deal
from storage.engine import SessionFactory, create_session_factory
from storage.partners import Partner, PartnerChannel
from storage.people import Person
from tests.conftest import TestDatabase, pg_engine

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def _columns(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in type(obj).__table__.columns}


def _whole(deal: Deal) -> dict[str, Any]:
    """Every column of the registration, its partner and the partner's channels."""
    return {
        "deal": _columns(deal),
        "partner": _columns(deal.partner),
        "channels": [_columns(c) for c in deal.partner.channels],
    }


async def _deal(session: AsyncSession, partner: Partner, manager: Person, **values: Any) -> Deal:
    deal = Deal(
        partner_id=partner.id,
        submitted_by_id=manager.id,
        idempotency_key=values.pop("key"),
        company="Acme Corp",
        company_key="acme",
        company_prefix="acme",
        domain="acme.com",
        value_cents=5_000_000,
        currency="USD",
        close_date=date(2027, 3, 31),
        products=["Platform", "Insights"],
        stage="qualified",
        contact="ana@acme.com",
        notes=None,
        status=deal_store.INFO_REQUESTED,
        conflict_with=[7, 9],
        origin_platform="slack",
        origin_channel_id="C-one",
        submitted_at=NOW,
        updated_at=NOW,
        protected_until=datetime(2027, 2, 1, 12, 30, 15, 250, tzinfo=UTC),
        **values,
    )
    session.add(deal)
    await session.flush()
    return deal


def submit_context_columns(found: deal_store.SubmitContext | None) -> Any:
    """A submission's context as plain column values, to compare two ways of reading it."""
    if found is None:
        return None
    return (
        _columns(found.partner),
        [_columns(c) for c in found.partner.channels],
        _columns(found.manager) if found.manager is not None else None,
        found.existing_deal_id,
    )


async def _seed(sessions: SessionFactory) -> tuple[int, int, int]:
    """A registration of a partner with two channels, one of a partner with none."""
    async with sessions() as session, session.begin():
        manager = await people.upsert_person(session, "slack", "U-mgr", name="Mo", role="manager")
        acme = await partners.add_partner(session, "Acme", tier="gold", manager_id=manager.id)
        await partners.link_channel(session, acme, platform="slack", channel_id="C-one")
        await partners.link_channel(session, acme, platform="teams", channel_id="19:two")
        lone = await partners.add_partner(session, "Lone")
        first = await _deal(session, acme, manager, key="k1", info_question="Who signs?")
        second = await _deal(session, lone, manager, key="k2", extensions_granted=2)
        return first.id, second.id, manager.id


@pytest.mark.parametrize("for_update", [False, True])
async def test_the_lean_deal_read_equals_the_orm_read(
    database: TestDatabase, for_update: bool
) -> None:
    sessions = create_session_factory(database.engine)
    ids = await _seed(sessions)
    for deal_id in ids[:2]:
        async with sessions() as session, session.begin():
            orm = await deal_store.get_deal(session, deal_id, for_update=for_update)
            assert orm is not None
            expected = _whole(orm)
        async with sessions() as session, session.begin():
            lean = await deal_reads.get_deal(session, deal_id, for_update=for_update)
            assert lean is not None
            assert _whole(lean) == expected
            assert lean in session and lean.partner in session
            assert not session.dirty and not session.new
    async with sessions() as session:
        assert await deal_reads.get_deal(session, 999, for_update=for_update) is None


@pytest.mark.parametrize("for_update", [False, True])
async def test_the_deal_and_manager_read_equals_the_two_orm_reads(
    database: TestDatabase, for_update: bool
) -> None:
    sessions = create_session_factory(database.engine)
    first, second, manager_id = await _seed(sessions)
    for deal_id in (first, second):  # Acme has a manager, Lone none
        async with sessions() as session, session.begin():
            orm = await deal_store.get_deal(session, deal_id, for_update=for_update)
            assert orm is not None
            expected = _whole(orm)
            owner = orm.partner.manager_id
            person = await people.get_person_by_id(session, owner) if owner else None
            expected_manager = _columns(person) if person is not None else None
        async with sessions() as session, session.begin():
            deal, manager = await deal_reads.get_deal_and_manager(
                session, deal_id, for_update=for_update
            )
            assert deal is not None and _whole(deal) == expected
            assert (_columns(manager) if manager is not None else None) == expected_manager
            assert deal in session
            assert manager is None or manager not in session  # the manager: for reading
            assert not session.dirty and not session.new
    async with sessions() as session:
        assert await deal_reads.get_deal_and_manager(session, 999) == (None, None)
        held = await session.get(Person, manager_id)  # a session already holding them
        deal, manager = await deal_reads.get_deal_and_manager(session, first)
        assert manager is held and deal is not None and deal.partner.manager_id == manager_id
        same, again = await deal_reads.get_deal_and_manager(session, first)
        assert same is deal and again is held
    assert expected_manager is None  # the last case, Lone's, had none


async def test_a_change_to_the_lean_deal_is_written_and_nothing_else(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    deal_id = (await _seed(sessions))[0]
    async with sessions() as session, session.begin():
        deal = await deal_reads.get_deal(session, deal_id, for_update=True)
        assert deal is not None
        deal.status, deal.decided_by_name = deal_store.APPROVED, "Mo"
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Deal, Partner, PartnerChannel)
        ]
    assert stored is not None
    assert (stored.status, stored.decided_by_name, stored.info_question) == (
        deal_store.APPROVED,
        "Mo",
        "Who signs?",
    )
    assert [c.channel_id for c in stored.partner.channels] == ["C-one", "19:two"]
    assert counts == [2, 2, 2]


async def test_a_deal_the_session_holds_is_the_one_returned(database: TestDatabase) -> None:
    sessions = create_session_factory(database.engine)
    deal_id = (await _seed(sessions))[0]
    async with sessions() as session, session.begin():
        held = await deal_store.get_deal(session, deal_id)
        assert await deal_reads.get_deal(session, deal_id) is held
        assert held is not None
        person = await session.get(Person, held.submitted_by_id)
        assert await deal_reads.get_person_by_id(session, person.id) is person  # type: ignore[union-attr]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has no row locks
async def test_the_lean_locking_read_holds_the_row_until_commit(database: TestDatabase) -> None:
    assert database.schema is not None
    sessions = create_session_factory(database.engine)
    deal_id = (await _seed(sessions))[0]
    other = pg_engine(database.schema)
    try:
        async with sessions() as session, session.begin():
            assert await deal_reads.get_deal(session, deal_id, for_update=True) is not None
            async with other.connect() as conn:
                with pytest.raises(exc.DBAPIError, match="could not obtain lock"):
                    await conn.execute(
                        text("select id from deals where id = :id for update nowait"),
                        {"id": deal_id},
                    )
        async with other.connect() as conn:  # committed: free again
            await conn.execute(
                text("select id from deals where id = :id for update nowait"), {"id": deal_id}
            )
    finally:
        await other.dispose()


async def test_the_lean_person_and_thread_reads_equal_the_orm_reads(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    manager_id = (await _seed(sessions))[2]
    async with sessions() as session, session.begin():
        for key in ("deal:2", "deal:1", "survey:5"):
            await thread_store.save_thread(
                session, key, platform="slack", channel_id="C-one", thread_id="171.1"
            )
        await thread_store.save_thread(
            session, "deal:3", platform="slack", channel_id="C-one", thread_id="171.2"
        )
    async with sessions() as session:
        orm = await session.get(Person, manager_id)
        assert orm is not None
        expected = _columns(orm)
        keys = await thread_store.list_thread_keys(session, "slack", "C-one", "171.1")
    async with sessions() as session:
        lean = await deal_reads.get_person_by_id(session, manager_id)
        assert lean is not None and _columns(lean) == expected
        assert await deal_reads.get_person_by_id(session, 999) is None
        assert await deal_reads.list_thread_keys(session, "slack", "C-one", "171.1") == keys
        assert await deal_reads.list_thread_keys(session, "slack", "C-one", "171.9") == []
    assert sorted(keys) == ["deal:1", "deal:2", "survey:5"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # a file has no server
async def test_a_connection_that_died_fails_as_sqlalchemy_error_and_is_replaced(
    database: TestDatabase,
) -> None:
    assert database.schema is not None
    sessions = create_session_factory(database.engine)
    deal_id = (await _seed(sessions))[0]
    engine = pg_engine(database.schema)
    own = create_session_factory(engine)
    try:
        async with own() as session:
            conn = await session.connection()
            pid = (await conn.execute(text("select pg_backend_pid()"))).scalar_one()
            async with database.engine.connect() as killer:
                await killer.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(exc.DBAPIError) as raised:
                await deal_reads.get_deal(session, deal_id)
            assert raised.value.connection_invalidated
        async with own() as session:  # a new connection serves the next request
            deal = await deal_reads.get_deal(session, deal_id)
            assert deal is not None and deal.id == deal_id
    finally:
        await engine.dispose()


async def test_the_lean_submit_context_equals_the_orm_read(database: TestDatabase) -> None:
    sessions = create_session_factory(database.engine)
    await _seed(sessions)

    cases = [(1, "k1"), (1, "new"), (2, "k1"), (3, "new")]  # Acme, Lone, none such
    found = []
    for partner_id, key in cases:
        async with sessions() as session:
            orm = await deal_store.get_submit_context(session, partner_id, idempotency_key=key)
            expected = submit_context_columns(orm)
        async with sessions() as session:
            lean = await deal_reads.get_submit_context(session, partner_id, idempotency_key=key)
            assert submit_context_columns(lean) == expected
            if lean is not None:
                assert lean.partner in session and not session.dirty
            found.append(lean)
    acme, fresh, lone, missing = found
    assert acme is not None and fresh is not None and lone is not None and missing is None
    assert (acme.existing_deal_id, fresh.existing_deal_id, lone.existing_deal_id) == (1, None, 1)
    assert len(acme.partner.channels) == 2 and acme.manager is not None
    assert lone.partner.channels == [] and lone.manager is None


async def test_the_lean_objects_are_as_loaded_with_both_sides_of_their_links(
    database: TestDatabase,
) -> None:
    """No history on any of them, each channel's `partner` set, and the partner's
    `channels` a collection the ORM tracks (a channel added to it is written)."""
    sessions = create_session_factory(database.engine)
    deal_id = (await _seed(sessions))[0]
    async with sessions() as session, session.begin():
        deal = await deal_reads.get_deal(session, deal_id)
        assert deal is not None
        partner = deal.partner
        for obj in (deal, partner, *partner.channels):
            state = inspect(obj)
            assert state.persistent and not state.modified and not state.expired_attributes
        assert all(c.partner is partner for c in partner.channels)
        partner.channels.append(PartnerChannel(platform="slack", channel_id="C-three"))
    async with sessions() as session:
        stored = await deal_store.get_deal(session, deal_id)
    assert stored is not None
    assert [c.channel_id for c in stored.partner.channels] == ["C-one", "19:two", "C-three"]
