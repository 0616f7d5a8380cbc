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
    worker: str = WORKER,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Deliver every message due at `now` (default: the clock's now, read per batch),
    claiming `limit` at a time; safe to run on many replicas at once.

    Messages to one destination go out in the order they were queued: when one must
    wait for a retry, the later ones to that destination wait behind it (they are
    released unsent). A destination that turns out to be gone (the bot was removed
    from the channel) fails the later messages to it in this run without a call.

    `should_stop` is asked before each message: a shutting-down server finishes the
    send in flight (so it is recorded as sent, never sent twice) and releases the rest
    of its claim at once.
    """
    run = _Run(deps, worker=worker, lease=lease, pacer=_Pacer(per_channel_interval))
    while not run.stopped:
        at = now or deps.clock()
        async with deps.sessions() as session, session.begin():
            claimed = await outbox.claim_due(
                session, now=at, worker=worker, lease=lease, limit=limit
            )
            threads = await outbox.get_threads(
                session, ((m.thread_key, m.platform) for m in claimed if m.thread_key is not None)
            )
        if not claimed:
            break
        for key, t in threads.items():
            run.threads.setdefault(key, (t.channel_id, t.thread_id))
        await run.batch(claimed, at=at, should_stop=should_stop)
        if len(claimed) < limit:
            break
    if run.sent or run.retried or run.failed:
        logger.info("outbox: %d sent, %d to retry, %d failed", run.sent, run.retried, run.failed)
    return DeliveryReport(sent=run.sent, retried=run.retried, failed=run.failed)


class _Run:
    """One `deliver_due`: what it delivered, and what it learnt about destinations."""

    def __init__(self, deps: Deps, *, worker: str, lease: timedelta, pacer: _Pacer) -> None:
        self.deps, self.worker, self.lease, self.pacer = deps, worker, lease, pacer
        self.threads: Threads = {}
        #: destination -> reason, for destinations that failed as gone in this run.
        self.gone: dict[tuple[str, str], str] = {}
        self.sent = self.retried = self.failed = 0
        self.stopped = False

    async def batch(
        self, claimed: list[outbox.OutboxMessage], *, at: datetime, should_stop: Callable[[], bool]
    ) -> None:
        started = time.monotonic()

        def clock() -> datetime:  # `at`, moved on by the time this batch has taken
            return at + timedelta(seconds=time.monotonic() - started)

        renewed = started
        held: set[tuple[str, str]] = set()  # destinations waiting behind a retry
        unsent: list[int] = []
        lost: set[int] = set()  # claims another worker may have taken over
        for n, message in enumerate(claimed):
            if message.id in lost:
                continue
            address = _address_of(message)
            if self.stopped or should_stop():
                if not self.stopped:
                    logger.info(
                        "outbox: stopping; %d claimed message(s) released", len(claimed) - n
                    )
                self.stopped = True
                unsent.append(message.id)
                continue
            if address in held:
                unsent.append(message.id)
                continue
            if address in self.gone:
                await self._fail_unsent(message, self.gone[address])
                continue
            if time.monotonic() - renewed > self.lease.total_seconds() / 2:
                # A long batch (pacing, a slow platform): keep the rest of it ours.
                renewed = time.monotonic()
                lost |= await self._renew(claimed[n:], clock())
                if message.id in lost:
                    continue
            outcome, error = await _deliver_one(
                self.deps, message, clock=clock, pacer=self.pacer, threads=self.threads,
                worker=self.worker,
            )  # fmt: skip
            self.sent += outcome == "sent"
            self.retried += outcome == "retried"
            self.failed += outcome == "failed"
            if outcome == "retried":
                held.add(address)
            elif error is not None and error.gone:
                self.gone[address] = error.reason
        if unsent:
            async with self.deps.sessions() as session, session.begin():
                await outbox.release_claims(session, unsent, worker=self.worker, now=clock())

    async def _renew(self, rest: list[outbox.OutboxMessage], now: datetime) -> set[int]:
        """Extend the lease of the batch's remaining messages; returns the ids that are
        no longer ours (their lease ended, so another worker may have them)."""
        async with self.deps.sessions() as session, session.begin():
            kept = await outbox.renew_claims(
                session, [m.id for m in rest], worker=self.worker, now=now, lease=self.lease
            )
        lost = {m.id for m in rest} - kept
        if lost:
            logger.warning("outbox: lease lost on %d message(s); left to other workers", len(lost))
        return lost

    async def _fail_unsent(self, message: outbox.OutboxMessage, reason: str) -> None:
        logger.error("outbox message %s failed for good, not sent: %s", message.id, reason)
        async with self.deps.sessions() as session, session.begin():
            await outbox.mark_failed(
                session, message.id, worker=self.worker, error=reason, attempted=False
            )
        self.failed += 1


def _address_of(message: outbox.OutboxMessage) -> tuple[str, str]:
    """The destination messages are ordered by: platform and channel (or person)."""
    return (message.platform, message.channel_id or message.user_id or "")


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
    deps: Deps,
    message: outbox.OutboxMessage,
    *,
    clock: Callable[[], datetime],
    pacer: _Pacer,
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
    async with deps.sessions() as session, session.begin():
        await outbox.mark_sent(
            session, message.id, worker=worker, now=now, delivered_id=delivered.message_id
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
