"""Scheduled jobs: module-level coroutines that call the same `run_due` the CLI runs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.checkins.due import post_due_checkins, remind_unanswered
from handlers.deps import Deps
from handlers.digests.due import send_due_digests
from handlers.intents.expiry import expire_drafts
from handlers.reminders.deals import (
    expire_protection,
    nudge_quiet_deals,
    remind_protection_ending,
    remind_stalled_approvals,
)
from handlers.reminders.qbr import remind_qbrs
from handlers.surveys import due as surveys
from scheduling.outbox import DeliveryReport, deliver_due
from storage import events

#: How long inbound event ids are kept to recognise a platform's retry (Slack retries
#: within minutes, Bot Framework within the hour): a week is ample.
KEEP_PROCESSED_EVENTS = timedelta(days=7)

logger = logging.getLogger(__name__)


async def prune_processed_events(deps: Deps, now: datetime) -> int:
    """Forget inbound event ids older than KEEP_PROCESSED_EVENTS (returns how many)."""
    async with deps.sessions() as session, session.begin():
        return await events.prune_events(session, older_than=KEEP_PROCESSED_EVENTS, now=now)


#: Due-work steps run by `run_due` before the outbox is delivered, in order. Each
#: capability that schedules work (reminders, expiries, digests) adds one here:
#: `async (deps, now) -> int` returning how many items it queued.
DueStep = Callable[[Deps, datetime], Awaitable[int]]
DUE_STEPS: tuple[tuple[str, DueStep], ...] = (
    ("checkins", post_due_checkins),
    ("checkin_reminders", remind_unanswered),
    ("deals_expired", expire_protection),
    ("deals_ending", remind_protection_ending),
    ("approvals_stalled", remind_stalled_approvals),
    ("deals_quiet", nudge_quiet_deals),
    ("surveys_closed", surveys.close_runs),
    ("surveys_recurring", surveys.send_recurring),
    ("surveys_after_decisions", surveys.ask_after_decisions),
    ("survey_reminders", surveys.remind_unanswered),
    ("digests", send_due_digests),
    ("qbrs", remind_qbrs),
    ("drafts_expired", expire_drafts),
    ("events_pruned", prune_processed_events),
)


@dataclass(frozen=True)
class RunDueReport:
    queued: dict[str, int] = field(default_factory=dict)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


async def run_due(deps: Deps, *, now: datetime, deliver: bool = True) -> RunDueReport:
    """Run every due-work step as of `now`, then deliver the outbox once (unless
    `deliver` is False: in the server the outbox loop delivers)."""
    queued: dict[str, int] = {}
    for name, step in DUE_STEPS:
        try:
            queued[name] = await step(deps, now)
        except Exception:  # boundary: one failing step must not stop the others
            logger.exception("due-work step %s failed", name)
            queued[name] = -1
    delivery = await deliver_due(deps, now=now) if deliver else DeliveryReport()
    return RunDueReport(queued=queued, delivery=delivery)


async def run_due_job(deps: Deps) -> None:
    """APScheduler job: due work as of the clock's now; the outbox loop sends what it
    queued (so stopping the scheduler never cuts a send in half)."""
    await run_due(deps, now=deps.clock(), deliver=False)
    deps.outbox_wakeup.set()
