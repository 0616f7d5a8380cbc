"""Tracked background work: what runs after Slack has been acknowledged."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: Background answers (clicks, messages) worked on at once; the others wait, already
#: acked. Without a bound a burst starts one database session per request: past the
#: pool's size they fail after its 30 s timeout (PostgreSQL, bench/slack_paths.py) or
#: time out on SQLite's one connection (bench/surveys.py lost 1,225 of 10,000 answers).
BOUNDED_LIMIT = 4


def _wake(waiter: asyncio.Future[None], *_: object) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def done_within(work: asyncio.Future[Any], seconds: float) -> bool:
    """Wait until `work` is done or `seconds` have passed, whichever comes first, and
    say whether it is done; `work` goes on either way (also when this wait is
    cancelled). `asyncio.wait_for(asyncio.shield(work), seconds)` does the same with
    two more futures and two more turns of the event loop: ~20 us of a command's
    ~0.6 ms of CPU (issue 15)."""
    if work.done():
        return True
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()
    timer = loop.call_later(seconds, _wake, waiter)
    wake = functools.partial(_wake, waiter)
    work.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
        work.remove_done_callback(wake)
    return work.done()


class Tasks:
    """Runs coroutines after the ack and keeps a reference to each until it ends,
    so none is garbage-collected mid-flight and shutdown can wait for them.

    The coroutines passed in are their own error boundary (they catch and log);
    anything that still escapes is logged here with its traceback.
    """

    def __init__(self, *, bounded_limit: int = BOUNDED_LIMIT) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._bounded = asyncio.Semaphore(bounded_limit)

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: str | None = None,
        awaited: bool = False,
        bounded: bool = False,
    ) -> asyncio.Task[T]:
        """Start `coro` now. `awaited=True` when the caller awaits the task itself
        (and so sees its exception): it is then not logged here as well.
        `bounded=True` (message events, acknowledged before any work): at most
        `bounded_limit` such coroutines run at once, the rest wait their turn, so a
        burst neither starves the acks of the event loop nor times out waiting for a
        database connection (SQLite has one)."""
        if bounded:
            coro = self._in_turn(coro)
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._running.add(task)
        task.add_done_callback(self._running.discard if awaited else self._finished)
        return task

    async def _in_turn(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            await self._bounded.acquire()
        except asyncio.CancelledError:
            coro.close()  # cancelled while waiting (shutdown): it never started
            raise
        try:
            return await coro
        finally:
            self._bounded.release()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background Slack work failed", exc_info=task.exception())

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
