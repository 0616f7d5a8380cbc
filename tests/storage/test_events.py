"""The once-only record of inbound events (storage/events.py), on both databases."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from storage import deal_reads, events
from storage import threads as thread_store
from storage.engine import SessionFactory


async def _recorded(sessions: SessionFactory) -> list[tuple[str, str]]:
    async with sessions() as session:
        found = await session.execute(
            select(events.ProcessedEvent.platform, events.ProcessedEvent.event_id).order_by(
                events.ProcessedEvent.event_id
            )
        )
        return [(platform, event_id) for platform, event_id in found]


async def test_an_event_is_claimed_once_per_platform(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        assert await events.claim_event(session, "slack", "Ev1")
        assert not await events.claim_event(session, "slack", "Ev1")  # same transaction
        assert await events.claim_event(session, "teams", "Ev1")
    async with sessions() as session, session.begin():
        assert not await events.claim_event(session, "slack", "Ev1")
    assert await _recorded(sessions) == [("slack", "Ev1"), ("teams", "Ev1")]
    async with sessions() as session:
        [stored] = (await session.scalars(select(events.ProcessedEvent))).all()[:1]
    assert stored.received_at.tzinfo == UTC  # written through the column's own type


async def test_a_claim_rolled_back_is_not_recorded(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        assert await events.claim_event(session, "slack", "Ev2")
        await session.rollback()
    assert await _recorded(sessions) == []
    async with sessions() as session, session.begin():
        assert await events.claim_event(session, "slack", "Ev2")
    assert await _recorded(sessions) == [("slack", "Ev2")]


async def test_a_claim_reads_the_threads_keys_as_the_keys_read_does(
    sessions: SessionFactory,
) -> None:
    """One statement on PostgreSQL, two on SQLite: the keys `list_thread_keys` reads
    (oldest first, none for a thread the bot does not know), None for a retry."""
    async with sessions() as session, session.begin():
        for key in ("deal:2", "checkin:1", "deal:3"):
            await thread_store.save_thread(
                session, key, platform="slack", channel_id="C1", thread_id="1.5"
            )
        await thread_store.save_thread(
            session, "deal:9", platform="slack", channel_id="C2", thread_id="1.5"
        )
    async with sessions() as session:
        expected = await deal_reads.list_thread_keys(session, "slack", "C1", "1.5")
    assert sorted(expected) == ["checkin:1", "deal:2", "deal:3"]
    async with sessions() as session, session.begin():
        found = await events.claim_event_with_thread_keys(
            session, "slack", "Ev7", channel_id="C1", thread_id="1.5"
        )
        assert found == expected
        unknown = await events.claim_event_with_thread_keys(
            session, "slack", "Ev8", channel_id="C1", thread_id="9.9"
        )
        assert unknown == []
    async with sessions() as session, session.begin():
        again = await events.claim_event_with_thread_keys(
            session, "slack", "Ev7", channel_id="C1", thread_id="1.5"
        )
        assert again is None
    assert await _recorded(sessions) == [("slack", "Ev7"), ("slack", "Ev8")]
