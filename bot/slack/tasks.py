"""Tracked background work: what runs after Slack has been acknowledged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Background answers (clicks, messages) running at once; the rest wait their turn.
#: Without a bound, a burst of a thousand clicks starts a thousand database sessions:
#: past the pool's size they queue in the pool and fail after its 30 s timeout
#: (seen on PostgreSQL with a pool of 20+10, bench/slack_paths.py, issue 15).
BACKGROUND_LIMIT = 16


class Tasks:
    """Runs coroutines after the ack and keeps a reference to each until it ends,
    so none is garbage-collected mid-flight and shutdown can wait for them.

    The coroutines passed in are their own error boundary (they catch and log);
    anything that still escapes is logged here with its traceback.
    """

    def __init__(self, *, limit: int = BACKGROUND_LIMIT) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._limit = limit
        self._slots: asyncio.Semaphore | None = None  # made in the running loop

    def spawn(
        self, coro: Coroutine[Any, Any, T], *, name: str | None = None, awaited: bool = False
    ) -> asyncio.Task[T]:
        """Start `coro` now. `awaited=True` when the caller awaits the task itself
        (and so sees its exception): it is then not logged here as well."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._running.add(task)
        task.add_done_callback(self._running.discard if awaited else self._finished)
        return task

    def spawn_bounded(
        self, coro: Coroutine[Any, Any, T], *, name: str | None = None
    ) -> asyncio.Task[T]:
        """Like `spawn`, but at most `limit` of these run at once; the others wait for
        a slot (in memory, not holding or queueing for a database connection)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._limit)
        return self.spawn(self._bounded(coro, self._slots), name=name)

    @staticmethod
    async def _bounded(coro: Coroutine[Any, Any, T], slots: asyncio.Semaphore) -> T:
        try:
            await slots.acquire()
        except asyncio.CancelledError:
            coro.close()  # cancelled while waiting (shutdown): it never started
            raise
        try:
            return await coro
        finally:
            slots.release()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background Slack work failed", exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._running)

    async def idle(self, *, within: float = 10.0) -> None:
        """Wait until no work is running (work may start more work).

        Raises:
            TimeoutError: still busy after `within` seconds.
        """
        async with asyncio.timeout(within):
            while self._running:
                await asyncio.wait(set(self._running))

    async def close(self, *, grace: float = 5.0) -> None:
        """On shutdown: let running work finish for `grace` seconds, then cancel it."""
        try:
            await self.idle(within=grace)
        except TimeoutError:
            logger.warning("cancelling %d unfinished Slack task(s) at shutdown", len(self._running))
            for task in list(self._running):
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)
