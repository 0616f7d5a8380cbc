"""Helpers of the registration-by-conversation scenarios: a clock the test moves, the
scheduled run as `jobs run-due` runs it, and the drafts in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.deps import Deps
from scheduling.jobs import run_due
from storage.drafts import RegistrationDraft
from tests.conftest import FIXED_NOW


class MovableClock:
    """`deps.clock`: FIXED_NOW until the test moves it."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


async def expire_after(deps: Deps, clock: MovableClock, *, hours: float) -> int:
    """Move the clock `hours` on and run the due work then (nothing delivered);
    returns how many drafts the run expired."""
    clock.now += timedelta(hours=hours)
    report = await run_due(deps, now=clock.now, deliver=False)
    assert all(count >= 0 for count in report.queued.values()), report.queued
    return report.queued["drafts_expired"]


async def drafts(deps: Deps) -> list[RegistrationDraft]:
    async with deps.sessions() as session:
        return list((await session.scalars(select(RegistrationDraft))).all())
