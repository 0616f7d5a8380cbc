"""APScheduler set-up for the server: it only decides *when* to look for due work."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.deps import Deps
from scheduling.jobs import run_due_job
from scheduling.outbox import deliver_due

logger = logging.getLogger(__name__)

RUN_DUE_MINUTES = 1
#: Longest wait before queued messages are looked at when nobody signals.
OUTBOX_IDLE_SECONDS = 5.0
#: After a wake-up, how long to let more messages gather before claiming.
OUTBOX_GATHER_SECONDS = 0.05
#: How long shutdown waits for a send in flight.
STOP_GRACE_SECONDS = 10.0


class Runner:
    """The scheduler plus the outbox loop; `start()` and `stop()` from cleanup_ctx."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._outbox_task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._scheduler.add_job(
            run_due_job,
            "interval",
            minutes=RUN_DUE_MINUTES,
            args=[self._deps],
            id="run-due",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=60,
        )
        self._scheduler.start()
        self._outbox_task = asyncio.create_task(self._outbox_loop(), name="outbox")

    async def stop(self) -> None:
        """Stop looking for work; let a send in flight finish (bounded), so it is
        recorded as sent rather than sent again after its lease ends."""
        self._scheduler.shutdown(wait=False)
        self._stopping = True
        self._deps.outbox_wakeup.set()
        if self._outbox_task is not None:
            try:
                await asyncio.wait_for(self._outbox_task, timeout=STOP_GRACE_SECONDS)
            except TimeoutError:
                logger.warning("outbox: a send did not finish within %ss", STOP_GRACE_SECONDS)

    async def _outbox_loop(self) -> None:
        wakeup = self._deps.outbox_wakeup
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=OUTBOX_IDLE_SECONDS)
            if self._stopping:
                return
            # Let a burst of queued messages gather: one claim then serves all of them.
            await asyncio.sleep(OUTBOX_GATHER_SECONDS)
            wakeup.clear()
            try:
                await deliver_due(self._deps, should_stop=lambda: self._stopping)
            except Exception:  # boundary: keep the loop alive through a DB outage
                logger.exception("outbox delivery failed; will try again")
