"""Quarterly business reviews: two weeks before a quarter ends, the manager of each
top-tier partner (QBR_TIERS) is reminded, once per partner and quarter."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.core.codec import reply_from_json
from handlers.admin.chat import add_manager
from handlers.deps import Deps
from handlers.reminders.qbr import qbr_quarter, quarter_of
from scheduling.jobs import run_due
from storage import outbox
from storage import partners as partner_store

BERLIN = ZoneInfo("Europe/Berlin")


def test_quarters_and_the_two_weeks_before_their_end() -> None:
    q4 = quarter_of(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), ZoneInfo("UTC"))
    assert (q4.label, q4.last_day, q4.ends_at) == (
        "2026Q4",
        date(2026, 12, 31),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    # 23:30 UTC on New Year's Eve is already 2027 in Berlin.
    assert quarter_of(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), BERLIN).label == "2027Q1"
    assert quarter_of(datetime(2027, 5, 2, tzinfo=UTC), BERLIN).last_day == date(2027, 6, 30)
    utc = ZoneInfo("UTC")
    assert qbr_quarter(datetime(2026, 12, 17, 23, 59, tzinfo=UTC), utc) is None
    assert qbr_quarter(datetime(2026, 12, 18, 0, 0, tzinfo=UTC), utc) == q4
    # Berlin's quarter ends an hour earlier (midnight local), so its window opens earlier.
    assert qbr_quarter(datetime(2026, 12, 17, 23, 30, tzinfo=UTC), BERLIN) is not None


async def _seed(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        mia = await add_manager(session, "slack", "U-MIA", actor="test", deps=deps)
        max_ = await add_manager(session, "teams", "29:max", actor="test", deps=deps)
        for name, tier, manager, timezone in (
            ("Goldie", "Gold", mia.id, "UTC"),
            ("Plato", "platinum", max_.id, "Europe/Berlin"),
            ("Silvio", "silver", mia.id, "UTC"),
            ("Orphan", "gold", None, "UTC"),
        ):
            await partner_store.add_partner(
                session, name, tier=tier, manager_id=manager, timezone=timezone
            )


async def _reminders(deps: Deps) -> list[tuple[str, str, str]]:
    async with deps.sessions() as session:
        rows = await outbox.list_outbox(session)
    return [
        (row.platform, row.user_id or "", reply_from_json(row.payload).text)
        for row in rows
        if (row.dedupe_key or "").startswith("qbr:")
    ]


async def _run(deps: Deps, moment: datetime) -> int:
    report = await run_due(dataclasses.replace(deps, clock=lambda: moment), now=moment)
    return report.queued["qbrs"]


async def test_top_tier_managers_are_reminded_once_per_quarter(deps: Deps) -> None:
    await _seed(deps)
    assert await _run(deps, datetime(2026, 12, 10, tzinfo=UTC)) == 0
    assert await _run(deps, datetime(2026, 12, 18, 9, tzinfo=UTC)) == 2
    assert await _run(deps, datetime(2026, 12, 28, 9, tzinfo=UTC)) == 0
    reminders = await _reminders(deps)
    assert [(platform, user) for platform, user, _ in reminders] == [
        ("slack", "U-MIA"),
        ("teams", "29:max"),
    ]
    goldie = reminders[0][2]
    assert "**Goldie** (Gold) closes 2026Q4 on 2026-12-31" in goldie
    assert "quarterly business review" in goldie

    assert await _run(deps, datetime(2027, 3, 20, tzinfo=UTC)) == 2  # the next quarter
    assert await _run(deps, datetime(2027, 3, 21, tzinfo=UTC)) == 0


async def test_the_tiers_are_configurable(deps: Deps) -> None:
    await _seed(deps)
    silver = dataclasses.replace(
        deps, settings=deps.settings.model_copy(update={"qbr_tiers": ["silver"]})
    )
    assert await _run(silver, datetime(2026, 12, 18, 9, tzinfo=UTC)) == 1
    [(_, user, text)] = await _reminders(deps)
    assert user == "U-MIA" and "Silvio" in text
    off = dataclasses.replace(deps, settings=deps.settings.model_copy(update={"qbr_tiers": []}))
    assert await _run(off, datetime(2027, 3, 20, tzinfo=UTC)) == 0
