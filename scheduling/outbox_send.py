"""Sending one claimed outbox message and recording what became of it (the outbox's
inner step; `scheduling.outbox` decides what to send when)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.codec import reply_from_json
from bot.core.delivery import Delivered, DeliveryError, Destination
from handlers.deps import Deps
from storage import outbox
from storage import threads as thread_store

logger = logging.getLogger("scheduling.outbox")

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after)
    return min(timedelta(seconds=2 ** max(attempts, 0) * 5), MAX_BACKOFF)


class Pacer:
    """Keeps at least `interval` seconds between two sends to the same channel."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._last: dict[tuple[str, str], float] = {}

    async def wait(self, key: tuple[str, str]) -> None:
        last = self._last.get(key)
        if last is not None:
            delay = self._interval - (time.monotonic() - last)
            if delay > 0:
                await asyncio.sleep(delay)
        self._last[key] = time.monotonic()


#: (thread key, platform) -> (channel id, thread id) of the threads known so far.
Threads = dict[tuple[str, str], tuple[str, str]]


def _destination(message: outbox.OutboxMessage, threads: Threads) -> Destination:
    thread_id = message.thread_id
    channel_id = message.channel_id
    if message.thread_key is not None and thread_id is None:
        known = threads.get((message.thread_key, message.platform))
        if known is not None:
            channel_id, thread_id = known
    return Destination(
        platform=message.platform,  # type: ignore[arg-type]
        channel_id=channel_id,
        thread_id=thread_id,
        user_id=message.user_id if channel_id is None else None,
    )


async def deliver_one(
    deps: Deps,
    message: outbox.OutboxMessage,
    *,
    clock: Callable[[], datetime],
    pacer: Pacer,
    threads: Threads,
    worker: str,
) -> tuple[str, DeliveryError | None]:
    """Send one claimed message and record the outcome: "sent", "retried" or "failed"
    (with the error when it failed)."""
    sender = deps.senders.get(message.platform)
    if sender is None:
        async with deps.sessions() as session, session.begin():
            await outbox.mark_retry(
                session,
                message.id,
                worker=worker,
                next_attempt_at=clock() + timedelta(minutes=1),
                error=f"no sender for platform {message.platform!r} in this process",
            )
        return "retried", None
    destination = _destination(message, threads)
    await pacer.wait((message.platform, destination.channel_id or destination.user_id or ""))
    try:
        delivered = await sender.send(destination, reply_from_json(message.payload))
    except DeliveryError as exc:
        return await _record_failure(deps, message, now=clock(), error=exc, worker=worker), exc
    except Exception as exc:  # boundary: an unexpected sender bug must not lose the row
        logger.exception(
            "outbox message %s: unexpected error from the %s sender", message.id, message.platform
        )
        error = DeliveryError(f"{type(exc).__name__}: {exc}", transient=True)
        return await _record_failure(deps, message, now=clock(), error=error, worker=worker), error
    started = None
    if message.thread_key is not None and destination.thread_id is None:
        # This message starts its thread: later ones, in this run too, post into it.
        started = (delivered.channel_id, delivered.thread_id or delivered.message_id)
        threads[(message.thread_key, message.platform)] = started
    # Sent, then recorded: a crash between the two (SIGKILL, power loss) leaves this
    # one message claimed but unrecorded, so it is sent again when its lease ends; the
    # messages after it were never sent. That is the only duplicate a crash can cause.
    await _record_sent(
        deps, message, now=clock(), delivered=delivered, started=started, worker=worker
    )
    return "sent", None


async def _record_sent(
    deps: Deps,
    message: outbox.OutboxMessage,
    *,
    now: datetime,
    delivered: Delivered,
    started: tuple[str, str] | None,
    worker: str,
) -> None:
    engine: AsyncEngine = deps.sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        # One statement, its own transaction (autocommit): one round trip instead of
        # BEGIN, UPDATE (, INSERT of the thread it started), COMMIT, for every message
        # sent. (Not on SQLite, where leaving autocommit again costs a PRAGMA.)
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            delivered_id = delivered.message_id
            if message.thread_key is None or started is None:
                await outbox.mark_sent(
                    autocommit, message.id, worker=worker, now=now, delivered_id=delivered_id
                )
                return
            thread = thread_store.save_thread_params(
                message.thread_key,
                platform=message.platform,
                channel_id=started[0],
                thread_id=started[1],
            )
            await outbox.mark_sent_starting_thread(
                autocommit, message.id, worker=worker, now=now, delivered_id=delivered_id,
                thread=thread,
            )  # fmt: skip
        return
    async with deps.sessions() as session, session.begin():
        await outbox.mark_sent(
            session, message.id, worker=worker, now=now, delivered_id=delivered.message_id
        )
        if message.thread_key is not None and started is not None:
            await thread_store.save_thread(
                session,
                message.thread_key,
                platform=message.platform,
                channel_id=started[0],
                thread_id=started[1],
            )


async def _record_failure(
    deps: Deps,
    message: outbox.OutboxMessage,
    *,
    now: datetime,
    error: DeliveryError,
    worker: str,
) -> str:
    attempts = message.attempts + 1
    async with deps.sessions() as session, session.begin():
        if error.transient and attempts < MAX_ATTEMPTS:
            wait = backoff(attempts, error.retry_after)
            logger.warning(
                "outbox message %s: attempt %d failed (%s); retry in %s",
                message.id,
                attempts,
                error.reason,
                wait,
            )
            await outbox.mark_retry(
                session, message.id, worker=worker, next_attempt_at=now + wait, error=error.reason
            )
            return "retried"
        logger.error(
            "outbox message %s failed for good after %d attempt(s): %s",
            message.id,
            attempts,
            error.reason,
        )
        await outbox.mark_failed(session, message.id, worker=worker, error=error.reason)
        return "failed"
