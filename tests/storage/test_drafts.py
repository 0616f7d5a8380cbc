"""Registration drafts: the 0007 and 0011 migrations both ways, a draft kept, read,
deleted, and an idle one expired then purged."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import drafts as draft_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from storage.migrate import alembic_config
from tests.conftest import FIXED_NOW


async def test_migration_0007_downgrades_and_upgrades(engine: AsyncEngine) -> None:
    def tables(connection: object) -> set[str]:
        return set(inspect(connection).get_table_names())  # type: ignore[arg-type]

    def migrate(connection: object, direction: str, revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    def columns(connection: object) -> set[str]:
        found = inspect(connection).get_columns("registration_drafts")  # type: ignore[arg-type]
        return {column["name"] for column in found}

    async with engine.begin() as conn:
        await conn.run_sync(migrate, "downgrade", "0007_registration_drafts")
        assert "expired_at" not in await conn.run_sync(columns)
        await conn.run_sync(migrate, "downgrade", "0009_digests")
        assert "registration_drafts" not in await conn.run_sync(tables)
        await conn.run_sync(migrate, "upgrade", "head")
        assert "registration_drafts" in await conn.run_sync(tables)
        assert "expired_at" in await conn.run_sync(columns)


async def _add(sessions: SessionFactory, *, user: str = "U1", thread: str = "1.0") -> int:
    async with sessions() as session, session.begin():
        partner = await partner_store.get_partner_by_name(session, "Acme")
        if partner is None:
            partner = await partner_store.add_partner(session, "Acme")
        person = await people_store.upsert_person(session, "slack", user, partner_id=partner.id)
        draft = await draft_store.add_draft(
            session,
            draft_store.RegistrationDraft(
                platform="slack",
                channel_id="C1",
                thread_id=thread,
                person_id=person.id,
                partner_id=partner.id,
                nonce="n" * 32,
                values={"company": "Acme Corp", "products": ["Platform"]},
                asking="domain",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            ),
        )
        return draft.id


async def test_a_draft_keeps_its_answers_until_deleted(sessions: SessionFactory) -> None:
    draft_id = await _add(sessions)
    async with sessions() as session, session.begin():
        stored = await draft_store.get_draft(session, draft_id, for_update=True)
        assert stored is not None
        assert stored.values == {"company": "Acme Corp", "products": ["Platform"]}
        assert stored.asking == "domain" and stored.created_at == FIXED_NOW
        assert stored.expired_at is None
        await draft_store.delete_draft(session, draft_id)
    async with sessions() as session:
        assert await draft_store.get_draft(session, draft_id) is None


async def test_an_idle_draft_expires_without_its_answers_then_is_purged(
    sessions: SessionFactory,
) -> None:
    idle = await _add(sessions)
    fresh = await _add(sessions, user="U2", thread="2.0")
    async with sessions() as session, session.begin():
        answered = await draft_store.get_draft(session, fresh, for_update=True)
        assert answered is not None
        answered.updated_at = FIXED_NOW + timedelta(hours=2)
    later = FIXED_NOW + timedelta(hours=25)
    async with sessions() as session, session.begin():
        expired = await draft_store.expire_drafts(
            session, idle_since=later - timedelta(hours=24), now=later
        )
        assert expired == 1
        assert (
            await draft_store.expire_drafts(  # an expired draft expires once
                session, idle_since=later - timedelta(hours=24), now=later
            )
            == 0
        )
    async with sessions() as session:
        gone = await draft_store.get_draft(session, idle)
        kept = await draft_store.get_draft(session, fresh)
    assert gone is not None and kept is not None
    assert (gone.expired_at, gone.values, gone.asking) == (later, {}, None)
    assert kept.expired_at is None and kept.values["company"] == "Acme Corp"
    async with sessions() as session, session.begin():
        assert await draft_store.purge_expired(session, now=later + timedelta(days=29)) == 0
        purged = await draft_store.purge_expired(session, now=later + draft_store.KEEP_EXPIRED * 2)
        assert purged == 1
    async with sessions() as session:
        assert await draft_store.get_draft(session, idle) is None
        assert await draft_store.get_draft(session, fresh) is not None
