"""Delivers queued proactive messages exactly once, paced and retried.

A run claims due rows with a lease (so two replicas never send the same row), sends
each through the platform's `Sender`, and records the outcome: sent (with the message
id, and the thread it started when it carries a thread key), retried later (transient
error: 429, 5xx, network — honouring Retry-After, with exponential back-off), or failed
with the reason (permanent error, or too many attempts). Retries are durable: they live
in the row's `next_attempt_at`, not in a process's memory.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.codec import reply_from_json
from bot.core.delivery import Delivered, DeliveryError, Destination
from handlers.deps import Deps
from storage import outbox

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
#: Slack allows about one message per second per channel; Teams more. Pace per channel.
PER_CHANNEL_INTERVAL = 1.0
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after)
    return min(timedelta(seconds=2 ** max(attempts, 0) * 5), MAX_BACKOFF)


class _Pacer:
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


async def deliver_due(
    deps: Deps,
    *,
    now: datetime | None = None,
    limit: int = 50,
    per_channel_interval: float = PER_CHANNEL_INTERVAL,
    should_stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Deliver every due message (up to `limit`) once; safe to run on many replicas.

    `should_stop` is asked before each message: a shutting-down server finishes the
    send in flight (so it is recorded as sent, never sent twice) and leaves the rest of
    its claim to be picked up when the lease ends.
    """
    now = now or deps.clock()
    async with deps.sessions() as session, session.begin():
        claimed = await outbox.claim_due(session, now=now, worker=WORKER, lease=LEASE, limit=limit)
        threads = await outbox.get_threads(
            session, ((m.thread_key, m.platform) for m in claimed if m.thread_key is not None)
        )
    known = {key: (t.channel_id, t.thread_id) for key, t in threads.items()}
    pacer = _Pacer(per_channel_interval)
    sent = retried = failed = 0
    for message in claimed:
        if should_stop():
            logger.info("outbox: stopping; %d claimed message(s) left for later", len(claimed))
            break
        outcome = await _deliver_one(deps, message, now=now, pacer=pacer, threads=known)
        sent += outcome == "sent"
        retried += outcome == "retried"
        failed += outcome == "failed"
    if claimed:
        logger.info("outbox: %d sent, %d to retry, %d failed", sent, retried, failed)
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


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


async def _deliver_one(
    deps: Deps, message: outbox.OutboxMessage, *, now: datetime, pacer: _Pacer, threads: Threads
) -> str:
    sender = deps.senders.get(message.platform)
    if sender is None:
        async with deps.sessions() as session, session.begin():
            await outbox.mark_retry(
                session,
                message.id,
                worker=WORKER,
                next_attempt_at=now + timedelta(minutes=1),
                error=f"no sender for platform {message.platform!r} in this process",
            )
        return "retried"
    destination = _destination(message, threads)
    await pacer.wait((message.platform, destination.channel_id or destination.user_id or ""))
    try:
        delivered = await sender.send(destination, reply_from_json(message.payload))
    except DeliveryError as exc:
        return await _record_failure(deps, message, now=now, error=exc)
    except Exception as exc:  # boundary: an unexpected sender bug must not lose the row
        logger.exception(
            "outbox message %s: unexpected error from the %s sender", message.id, message.platform
        )
        error = DeliveryError(f"{type(exc).__name__}: {exc}", transient=True)
        return await _record_failure(deps, message, now=now, error=error)
    started = None
    if message.thread_key is not None and destination.thread_id is None:
        # This message starts its thread: later ones, in this run too, post into it.
        started = (delivered.channel_id, delivered.thread_id or delivered.message_id)
        threads[(message.thread_key, message.platform)] = started
    await _record_sent(deps, message, now=now, delivered=delivered, started=started)
    return "sent"


async def _record_sent(
    deps: Deps,
    message: outbox.OutboxMessage,
    *,
    now: datetime,
    delivered: Delivered,
    started: tuple[str, str] | None,
) -> None:
    async with deps.sessions() as session, session.begin():
        await outbox.mark_sent(
            session, message.id, worker=WORKER, now=now, delivered_id=delivered.message_id
        )
        if message.thread_key is not None and started is not None:
            await outbox.save_thread(
                session,
                message.thread_key,
                platform=message.platform,
                channel_id=started[0],
                thread_id=started[1],
            )


async def _record_failure(
    deps: Deps, message: outbox.OutboxMessage, *, now: datetime, error: DeliveryError
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
                session, message.id, worker=WORKER, next_attempt_at=now + wait, error=error.reason
            )
            return "retried"
        logger.error(
            "outbox message %s failed for good after %d attempt(s): %s",
            message.id,
            attempts,
            error.reason,
        )
        await outbox.mark_failed(session, message.id, worker=WORKER, error=error.reason)
        return "failed"
