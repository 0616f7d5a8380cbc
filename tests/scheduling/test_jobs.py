"""run_due's housekeeping: inbound event ids older than a week are forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from handlers.deps import Deps
from scheduling.jobs import run_due
from storage import events
from tests.conftest import FIXED_NOW


async def test_old_processed_events_are_pruned_and_recent_ones_kept(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        for event_id in ("old", "recent"):
            assert await events.claim_event(session, "slack", event_id)
        await session.execute(
            update(events.ProcessedEvent)
            .where(events.ProcessedEvent.event_id == "old")
            .values(received_at=FIXED_NOW - timedelta(days=8))
        )
        await session.execute(
            update(events.ProcessedEvent)
            .where(events.ProcessedEvent.event_id == "recent")
            .values(received_at=FIXED_NOW - timedelta(days=6))
        )
    report = await run_due(deps, now=FIXED_NOW, deliver=False)
    assert report.queued["events_pruned"] == 1
    async with deps.sessions() as session, session.begin():
        assert await events.claim_event(session, "slack", "old")  # forgotten
        assert not await events.claim_event(session, "slack", "recent")  # still known
