"""The digest step of `run_due`: each manager's digest, once per period, to their DM.

Exactly once: the subscription's due moment is claimed with a conditional UPDATE in
the transaction that queues the digest, and the outbox dedupe keys
(`digest:<person>:<period>`, one more per approval card) guard it again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from handlers.checkins.timing import Rule, is_too_late, next_due, parse_time, parse_zone
from handlers.deps import Deps
from handlers.digests.build import build_digest
from handlers.notify import outbox_row, person_destination, queue_rows
from storage import digests as store
from storage import people as people_store

logger = logging.getLogger(__name__)

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def next_digest(
    cadence: str, *, weekday: int, local_time: str, timezone: str, after: datetime
) -> datetime | None:
    """The first moment strictly after `after` a digest is due (None: off)."""
    if cadence == "off":
        return None
    at, zone = parse_time(local_time), parse_zone(timezone)
    if cadence == "weekly":
        return next_due(Rule("weekly", weekday, at, zone), after=after)
    day = after.astimezone(zone).date() - timedelta(days=1)
    while True:
        moment = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if moment > after:
            return moment
        day += timedelta(days=1)


def period_key(sub: store.DigestSubscription, due_at: datetime) -> str:
    """`2026-11-26` (daily) or `2026-W48` (weekly), in the subscriber's time zone."""
    local = due_at.astimezone(parse_zone(sub.timezone)).date()
    if sub.cadence == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.isoformat()


async def send_due_digests(deps: Deps, now: datetime) -> int:
    """Queue every digest due at `now`; returns how many messages were queued."""
    queued = 0
    async with deps.sessions() as session:
        due = await store.due_subscriptions(session, now=now)
    for sub in due:
        due_at = sub.next_due_at
        if due_at is None:
            continue
        following = next_digest(
            sub.cadence,
            weekday=sub.weekday,
            local_time=sub.local_time,
            timezone=sub.timezone,
            after=max(now, due_at),
        )
        async with deps.sessions() as session, session.begin():
            since = sub.last_sent_at or now - PERIODS.get(sub.cadence, timedelta(days=1))
            if not await store.claim(
                session, sub.person_id, due_at=due_at, following=following, now=now
            ):
                continue
            if is_too_late(due_at, now):
                logger.warning("digest of person %s due %s skipped: late", sub.person_id, due_at)
                continue
            person = await people_store.get_person_by_id(session, sub.person_id)
            if person is None or not person.is_staff:
                continue
            digest = await build_digest(session, deps, person, since=since, now=now)
            key = f"digest:{person.id}:{period_key(sub, due_at)}"
            replies = digest.replies()
            rows = [outbox_row(person_destination(person), replies[0], dedupe_key=key, now=now)]
            rows += [
                outbox_row(person_destination(person), card, dedupe_key=f"{key}:{deal_id}", now=now)
                for card, deal_id in zip(replies[1:], digest.card_deal_ids, strict=False)
            ]
            queued += await queue_rows(session, deps, rows)
    return queued
