"""The once-only record of inbound events (storage/events.py), on both databases."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from storage import events
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
