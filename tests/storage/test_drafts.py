"""Registration drafts: the 0007 migration both ways, and a draft kept, read, deleted."""

from __future__ import annotations

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

    async with engine.begin() as conn:
        await conn.run_sync(migrate, "downgrade", "-1")  # 0007 is the head
        assert "registration_drafts" not in await conn.run_sync(tables)
        await conn.run_sync(migrate, "upgrade", "head")
        assert "registration_drafts" in await conn.run_sync(tables)


async def test_a_draft_keeps_its_answers_until_deleted(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        partner = await partner_store.add_partner(session, "Acme")
        person = await people_store.upsert_person(session, "slack", "U1", partner_id=partner.id)
        draft = await draft_store.add_draft(
            session,
            draft_store.RegistrationDraft(
                platform="slack",
                channel_id="C1",
                thread_id="1.0",
                person_id=person.id,
                partner_id=partner.id,
                nonce="n" * 32,
                values={"company": "Acme Corp", "products": ["Platform"]},
                asking="domain",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            ),
        )
    async with sessions() as session, session.begin():
        stored = await draft_store.get_draft(session, draft.id, for_update=True)
        assert stored is not None
        assert stored.values == {"company": "Acme Corp", "products": ["Platform"]}
        assert stored.asking == "domain" and stored.created_at == FIXED_NOW
        await draft_store.delete_draft(session, draft.id)
    async with sessions() as session:
        assert await draft_store.get_draft(session, draft.id) is None
