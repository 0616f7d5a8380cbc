"""Delivers queued proactive messages exactly once, in order per channel, paced and
retried.

A run claims due rows with a lease (so two replicas never send the same row, and one
channel's rows are claimed in order by one worker at a time), sends each through the
platform's `Sender`, and records the outcome: sent (with the message id, and the thread
it started when it carries a thread key), retried later (transient error: 429, 5xx,
network — honouring Retry-After, with exponential back-off; the later messages to that
channel wait behind it), or failed with the reason (permanent error, or too many
attempts; a destination that is gone fails the rest of its messages in the run without
a call). Retries are durable: they live in the row's `next_attempt_at`, not in a
process's memory.

Crash bound: each message is sent, then recorded as sent, one at a time. A process
killed between the two has sent that one message without recording it; it is sent
again when its lease ends. Every other claimed message was either recorded or never
sent, so a crash costs at most one duplicate per process, and loses nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.deps import Deps
from scheduling.outbox_send import MAX_ATTEMPTS, Pacer, Threads, backoff, deliver_one
from storage import outbox, outbox_claims
from storage import threads as thread_store

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
#: Slack allows about one message per second per channel; Teams more. Pace per channel.
PER_CHANNEL_INTERVAL = 1.0
WORKER = f"{socket.gethostname()}:{os.getpid()}"


__all__ = ["LEASE", "MAX_ATTEMPTS", "DeliveryReport", "backoff", "deliver_due"]


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


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
    run = _Run(deps, worker=worker, lease=lease, pacer=Pacer(per_channel_interval))
    while not run.stopped:
        at = now or deps.clock()
        async with deps.sessions() as session, session.begin():
            claimed = await outbox_claims.claim_due(
                session, now=at, worker=worker, lease=lease, limit=limit
            )
            threads = await thread_store.get_threads(
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

    def __init__(self, deps: Deps, *, worker: str, lease: timedelta, pacer: Pacer) -> None:
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
            outcome, error = await deliver_one(
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
                await outbox_claims.release_claims(session, unsent, worker=self.worker, now=clock())

    async def _renew(self, rest: list[outbox.OutboxMessage], now: datetime) -> set[int]:
        """Extend the lease of the batch's remaining messages; returns the ids that are
        no longer ours (their lease ended, so another worker may have them)."""
        async with self.deps.sessions() as session, session.begin():
            kept = await outbox_claims.renew_claims(
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
