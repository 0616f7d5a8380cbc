"""Deal reminders from `run_due`: protection ending (14 and 3 days, in the thread, with
the extension button), protection ended (expired, an event, the partner told), stalled
approvals (the manager, then admins), quiet registrations (stage buttons). Each once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta

import pytest

from handlers.deps import Deps
from scheduling.jobs import run_due
from storage import deals as deal_store
from storage import outbox
from tests.conftest import FIXED_NOW
from tests.handlers.deal_world import (
    MANAGER,
    MANAGER_DM,
    RecordingSender,
    Sent,
    build_world,
    button,
    click,
    deliver,
    register,
)


@pytest.fixture
async def sender(deps: Deps) -> RecordingSender:
    world = await build_world(deps)
    await register(deps)  # DR-000001, Acme Partners
    await deliver(deps)
    return world


async def _run(deps: Deps, moment: datetime) -> dict[str, int]:
    report = await run_due(dataclasses.replace(deps, clock=lambda: moment), now=moment)
    return report.queued


async def _approve(deps: Deps, sender: RecordingSender) -> deal_store.Deal:
    card = next(s.reply for s in sender.to_user("U-MIA") if "DR-000001" in (s.reply.title or ""))
    await click(deps, MANAGER, MANAGER_DM, button(card, "Approve"))
    await deliver(deps)
    async with deps.sessions() as session:
        deal = await deal_store.get_deal(session, 1)
    assert deal is not None and deal.protected_until is not None
    return deal


def _saying(sender: RecordingSender, words: str) -> list[Sent]:
    return [s for s in sender.sent if words in s.reply.text]


async def test_protection_reminders_then_expiry_each_once(
    deps: Deps, sender: RecordingSender
) -> None:
    deal = await _approve(deps, sender)
    ends = deal.protected_until
    assert ends is not None
    thread = next(s.destination for s in sender.to_channel("C-ACME"))

    for moment in (ends - timedelta(days=13), ends - timedelta(days=12)):
        await _run(deps, moment)
    [fourteen] = _saying(sender, "in 14 days")
    assert [b.label for b in fourteen.reply.buttons] == ["Request extension"]
    assert fourteen.destination.channel_id == "C-ACME"
    assert fourteen.destination.thread_id == sender.to_channel("C-ACME")[0].message_id

    for moment in (ends - timedelta(days=2), ends - timedelta(days=1)):
        await _run(deps, moment)
    assert len(_saying(sender, "in 3 days")) == 1

    for moment in (ends + timedelta(hours=1), ends + timedelta(hours=2)):
        await _run(deps, moment)
    [ended] = _saying(sender, "has ended")
    assert ended.destination.thread_id == fourteen.destination.thread_id
    assert thread.channel_id == "C-ACME"
    async with deps.sessions() as session:
        expired = await deal_store.get_deal(session, 1)
        events = await deal_store.list_events(session, 1)
    assert expired is not None and expired.status == "expired"
    assert [(e.kind, e.to_status) for e in events][-1] == ("expired", "expired")


async def test_a_stalled_approval_reminds_the_manager_then_the_admins(
    deps: Deps, sender: RecordingSender
) -> None:
    assert (await _run(deps, FIXED_NOW + timedelta(hours=47)))["approvals_stalled"] == 0
    assert (await _run(deps, FIXED_NOW + timedelta(hours=49)))["approvals_stalled"] == 1
    assert (await _run(deps, FIXED_NOW + timedelta(hours=50)))["approvals_stalled"] == 0
    [reminder] = _saying(sender, "Waiting for your decision")
    assert reminder.destination.user_id == "U-MIA"
    assert "Approve" in [b.label for b in reminder.reply.buttons]
    assert (await _run(deps, FIXED_NOW + timedelta(hours=97)))["approvals_stalled"] == 1
    [escalated] = _saying(sender, "Still undecided")
    assert escalated.destination.user_id == "U-ADA"
    assert (await _run(deps, FIXED_NOW + timedelta(hours=98)))["approvals_stalled"] == 0


async def test_a_quiet_registration_is_nudged_once_with_stage_buttons(
    deps: Deps, sender: RecordingSender
) -> None:
    await _approve(deps, sender)
    assert (await _run(deps, FIXED_NOW + timedelta(days=29)))["deals_quiet"] == 0
    assert (await _run(deps, FIXED_NOW + timedelta(days=31)))["deals_quiet"] == 1
    assert (await _run(deps, FIXED_NOW + timedelta(days=32)))["deals_quiet"] == 0
    [nudge] = _saying(sender, "No news on")
    assert [b.label for b in nudge.reply.buttons] == ["Update stage", "Won", "Lost"]
    assert nudge.destination.channel_id == "C-ACME" and nudge.destination.thread_id


async def test_two_concurrent_runs_queue_each_reminder_once(
    deps: Deps, sender: RecordingSender
) -> None:
    deal = await _approve(deps, sender)
    assert deal.protected_until is not None
    moment = deal.protected_until - timedelta(days=13)
    later = dataclasses.replace(deps, clock=lambda: moment)
    await asyncio.gather(
        run_due(later, now=moment, deliver=False), run_due(later, now=moment, deliver=False)
    )
    async with deps.sessions() as session:
        keys = [m.dedupe_key for m in await outbox.list_outbox(session)]
    assert sum(1 for k in keys if k and k.startswith("deal-ending:14:")) == 1
    assert sum(1 for k in keys if k and k.startswith("deal-quiet:")) == 1
