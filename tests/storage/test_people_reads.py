"""The per-request person read: fresh (what another connection committed shows on the
very next read), equal to the read through a session, and never blocking the event
loop on a busy SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import partners, people
from storage.engine import create_engine, create_session_factory
from storage.people_reads import PersonReader
from tests.conftest import PG_URL, TestDatabase, pg_engine


def _other_engine(database: TestDatabase) -> AsyncEngine:
    """A second engine on the same database: another process's view of it."""
    if database.schema is not None:
        return pg_engine(database.schema)
    return create_engine(database.url)


async def _set_role(database: TestDatabase, user_id: str, role: str) -> None:
    other = _other_engine(database)
    try:
        async with create_session_factory(other)() as session, session.begin():
            await people.upsert_person(session, "slack", user_id, role=role)
    finally:
        await other.dispose()


async def test_the_reader_is_the_lean_one_on_both_backends(database: TestDatabase) -> None:
    reader = PersonReader(database.engine)
    try:
        expected = "sqlite-sync" if database.backend == "sqlite" else "batched"
        assert reader.mode == expected
    finally:
        reader.close()


async def test_a_role_committed_elsewhere_shows_on_the_very_next_read(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    async with sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        await partners.link_channel(session, acme, platform="slack", channel_id="C-acme")
        await people.upsert_person(session, "slack", "U-nia", name="Nia", partner_id=acme.id)
    reader = PersonReader(database.engine)
    try:
        first = await reader.person_in_place("slack", "U-nia", channel_id="C-acme")
        assert first is not None
        assert (first.role, first.partner_name, first.channel_partner_name) == (
            "partner_rep",
            "Acme",
            "Acme",
        )
        for role in ("manager", "partner_admin", "admin", "partner_rep"):
            await _set_role(database, "U-nia", role)
            seen = await reader.person_in_place("slack", "U-nia", channel_id="C-acme")
            assert seen is not None and seen.role == role
        async with sessions() as session:
            through_session = await people.read_person_in_place(
                session, "slack", "U-nia", channel_id="C-acme"
            )
        assert await reader.person_in_place("slack", "U-nia", channel_id="C-acme") == (
            through_session
        )
        assert await reader.person_in_place("slack", "U-nobody", channel_id=None) is None
    finally:
        reader.close()


async def test_a_channel_linked_elsewhere_shows_on_the_very_next_read(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    async with sessions() as session, session.begin():
        await people.upsert_person(session, "slack", "U-ola", name="Ola")
    reader = PersonReader(database.engine)
    try:
        before = await reader.person_in_place("slack", "U-ola", channel_id="C-new")
        assert before is not None and before.channel_partner_id is None
        other = _other_engine(database)
        try:
            async with create_session_factory(other)() as session, session.begin():
                beta = await partners.add_partner(session, "Beta")
                await partners.link_channel(session, beta, platform="slack", channel_id="C-new")
        finally:
            await other.dispose()
        after = await reader.person_in_place("slack", "U-ola", channel_id="C-new")
        assert after is not None and after.channel_partner_name == "Beta"
    finally:
        reader.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # PostgreSQL readers never wait
async def test_a_locked_sqlite_file_is_read_through_a_session_without_blocking(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    async with sessions() as session, session.begin():
        await people.upsert_person(session, "slack", "U-kai", name="Kai", role="manager")
    reader = PersonReader(database.engine)
    await database.engine.dispose()
    # Another process turned the file to a rollback journal and holds an exclusive
    # lock (a write under way): no other connection can read it until it lets go.
    path = database.url.split("///", 1)[1]
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE people SET name = 'Kai K' WHERE user_id = 'U-kai'")
        read = asyncio.ensure_future(reader.person_in_place("slack", "U-kai", channel_id=None))
        await asyncio.sleep(0.2)
        # Had the read waited on the loop's own thread, this thread's lock could never
        # have been let go: the read would have failed by now. It waits off the loop.
        assert not read.done()
        holder.execute("COMMIT")
        holder.close()
        seen = await read
        assert seen is not None and (seen.name, seen.role) == ("Kai K", "manager")
        # and the lean read is back once the file is free
        again = await reader.person_in_place("slack", "U-kai", channel_id=None)
        assert again == seen
    finally:
        holder.close()
        reader.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_postgres_connection_the_server_dropped_is_not_lent_again(
    database: TestDatabase,
) -> None:
    sessions = create_session_factory(database.engine)
    async with sessions() as session, session.begin():
        await people.upsert_person(session, "slack", "U-lea", name="Lea")
    # One pooled connection, never pinged: the read itself meets the dead connection.
    assert database.schema is not None
    engine = create_async_engine(
        PG_URL,
        connect_args={"server_settings": {"search_path": database.schema}},
        pool_size=1,
        max_overflow=0,
    )
    reader = PersonReader(engine)
    try:
        assert await reader.person_in_place("slack", "U-lea", channel_id=None) is not None
        async with engine.connect() as conn:
            pid = (await conn.execute(text("select pg_backend_pid()"))).scalar_one()
        async with database.engine.connect() as conn:
            await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        with contextlib.suppress(Exception):  # the read that meets it may fail
            await reader.person_in_place("slack", "U-lea", channel_id=None)
        seen = await reader.person_in_place("slack", "U-lea", channel_id=None)
        assert seen is not None and seen.name == "Lea"
    finally:
        reader.close()
        await engine.dispose()


async def _people_in_places(database: TestDatabase) -> list[tuple[str, str | None]]:
    """Partner reps, a manager, an unlinked person and a stranger, each asked in a
    linked channel, an unlinked one and no channel: the reads to compare."""
    sessions = create_session_factory(database.engine)
    async with sessions() as session, session.begin():
        acme = await partners.add_partner(session, "Acme")
        beta = await partners.add_partner(session, "Beta")
        await partners.link_channel(session, acme, platform="slack", channel_id="C-acme")
        await partners.link_channel(session, beta, platform="slack", channel_id="C-beta")
        for i in range(6):
            partner = (acme, beta)[i % 2]
            await people.upsert_person(session, "slack", f"U-rep{i}", partner_id=partner.id)
        await people.upsert_person(session, "slack", "U-mgr", name="Mo", role="manager")
        await people.upsert_person(session, "slack", "U-free", name="Fay")
    users = [f"U-rep{i}" for i in range(6)] + ["U-mgr", "U-free", "U-stranger"]
    return [(u, c) for u in users for c in ("C-acme", "C-beta", "C-none", None)]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_reads_asked_together_share_statements_and_each_gets_its_own_row(
    database: TestDatabase,
) -> None:
    asked = await _people_in_places(database)
    sessions = create_session_factory(database.engine)
    expected = []
    async with sessions() as session:
        for user, channel in asked:
            expected.append(
                await people.read_person_in_place(session, "slack", user, channel_id=channel)
            )
    reader = PersonReader(database.engine)
    try:
        seen = await asyncio.gather(
            *(reader.person_in_place("slack", u, channel_id=c) for u, c in asked)
        )
        assert seen == expected
        assert sum(found is None for found in seen) == 4  # the stranger, everywhere
        # all were asked before the first statement went out: all went in it
        assert reader.statements == 1
        one = await reader.person_in_place("slack", "U-mgr", channel_id="C-acme")
        assert one == expected[asked.index(("U-mgr", "C-acme"))]
        assert reader.statements == 2
    finally:
        reader.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_read_asked_while_a_statement_is_out_waits_for_the_next_one(
    database: TestDatabase,
) -> None:
    """The statement out was sent before a role changed: a read asked after the change
    must not be answered by it (it would be stale), but by the next one."""
    await _people_in_places(database)
    reader = PersonReader(database.engine)
    try:
        # Another transaction locks a table the statement reads: the first statement
        # waits on the server, out but unanswered.
        async with database.engine.connect() as locker:
            await locker.execute(text("LOCK TABLE partner_channels IN ACCESS EXCLUSIVE MODE"))
            first = asyncio.ensure_future(
                reader.person_in_place("slack", "U-mgr", channel_id="C-acme")
            )
            await asyncio.sleep(0.2)
            assert not first.done() and reader.statements == 1
            await _set_role(database, "U-mgr", "partner_rep")  # committed elsewhere
            after = asyncio.ensure_future(
                reader.person_in_place("slack", "U-mgr", channel_id="C-acme")
            )
            await asyncio.sleep(0.05)
            assert not after.done() and reader.statements == 1
            await locker.rollback()
        seen = await after
        await first
        assert seen is not None and seen.role == "partner_rep"
        assert reader.statements == 2
    finally:
        reader.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_failed_statement_fails_its_reads_and_the_next_read_works(
    database: TestDatabase,
) -> None:
    await _people_in_places(database)
    reader = PersonReader(database.engine)
    other = _other_engine(database)
    try:
        async with database.engine.connect() as conn:
            # the reader's statement waits for this lock, and is cancelled on the server
            await conn.execute(text("LOCK TABLE partner_channels IN ACCESS EXCLUSIVE MODE"))
            reads = [
                asyncio.ensure_future(reader.person_in_place("slack", u, channel_id="C-acme"))
                for u in ("U-rep0", "U-rep1")
            ]
            await asyncio.sleep(0.2)
            async with other.connect() as killer:
                await killer.execute(
                    text(
                        "select pg_cancel_backend(pid) from pg_stat_activity"
                        " where query like '%unnest%' and pid <> pg_backend_pid()"
                    )
                )
            results = await asyncio.gather(*reads, return_exceptions=True)
            await conn.rollback()
        assert all(isinstance(r, Exception) for r in results)
        again = await reader.person_in_place("slack", "U-rep0", channel_id="C-acme")
        assert again is not None and again.channel_partner_name == "Acme"
    finally:
        reader.close()
        await other.dispose()
