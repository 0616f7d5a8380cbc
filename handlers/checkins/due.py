"""The check-in steps of `run_due`: post due check-ins, remind unanswered ones once.

Exactly once: each due occurrence is claimed by a conditional UPDATE of its schedule
(storage.checkins.claim_occurrence) in the same transaction that records the
check-in and queues its posts, so a crash loses nothing (nothing is committed) and a
second replica finds nothing to claim. The outbox dedupe keys are a second guard.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core import Reply
from bot.core.delivery import Destination
from handlers.checkins.schedule import rule_of
from handlers.checkins.timing import is_too_late, local_date, next_due
from handlers.deps import Deps
from handlers.notify import queue_reply
from storage import checkins as store
from storage import partners as partner_store

logger = logging.getLogger(__name__)

CHECKIN_THREAD = "checkin"

HOW_TO_ANSWER = (
    "Answer in this thread, in one message or several. On Teams, reply to this post; "
    "if I don't acknowledge your reply, mention me in it (@PartnerBot)."
)


def thread_key(checkin_id: int, channel_row_id: int) -> str:
    """One thread per check-in and channel: `checkin:<check-in id>.<channel row id>`."""
    return f"{CHECKIN_THREAD}:{checkin_id}.{channel_row_id}"


def checkin_id_of(ident: str) -> int | None:
    head = ident.partition(".")[0]
    return int(head) if head.isdigit() else None


def checkin_post(partner_name: str, questions: list[str]) -> Reply:
    lines = "\n".join(f"- {q}" for q in questions)
    return Reply(
        title=f"Check-in: {partner_name}",
        text=f"Time for our check-in.\n{lines}",
        context=(HOW_TO_ANSWER,),
    )


REMINDER = Reply(
    text="A gentle reminder: nobody has answered this check-in yet. A line or two in this "
    "thread is enough.",
)


async def post_due_checkins(deps: Deps, now: datetime) -> int:
    """Post every check-in due at `now` (once); skip, and log, those more than a day
    late. Returns how many messages were queued."""
    questions = list(deps.settings.checkin_questions)
    queued = 0
    async with deps.sessions() as session, session.begin():
        due = await store.due_schedules(session, now=now)
        partners = await partner_store.get_partners(session, (s.partner_id for s in due))
        for schedule in due:
            partner = partners.get(schedule.partner_id)
            due_at = schedule.next_due_at
            if partner is None or due_at is None:
                continue
            rule = rule_of(schedule, partner.timezone)
            following = next_due(rule, after=max(now, due_at), previous=due_at)
            claimed = await store.claim_occurrence(
                session, partner.id, due_at=due_at, next_due_at=following, now=now
            )
            if not claimed:
                continue  # another replica posts this one
            if is_too_late(due_at, now):
                logger.warning(
                    "check-in of partner %s due %s skipped: more than a day late",
                    partner.id,
                    due_at.isoformat(),
                )
                continue
            day = local_date(due_at, rule.zone)
            checkin = await store.add_checkin(
                session, partner.id, local_date=day, due_at=due_at, now=now
            )
            post = checkin_post(partner.name, questions)
            for channel in partner.channels:
                queued += await queue_reply(
                    session,
                    deps,
                    destination=Destination(
                        platform=channel.platform,  # type: ignore[arg-type]
                        channel_id=channel.channel_id,
                    ),
                    reply=post,
                    thread_key=thread_key(checkin.id, channel.id),
                    dedupe_key=f"checkin:{partner.id}:{day.isoformat()}:{channel.id}",
                )
    return queued


async def remind_unanswered(deps: Deps, now: datetime) -> int:
    """One reminder in the thread of each check-in nobody answered within
    CHECKIN_REMINDER_DAYS (and not later than a day after that)."""
    wait = timedelta(days=deps.settings.checkin_reminder_days)
    queued = 0
    async with deps.sessions() as session, session.begin():
        checkins = await store.claim_unanswered(
            session, posted_after=now - wait - timedelta(days=1), posted_before=now - wait, now=now
        )
        partners = await partner_store.get_partners(session, (c.partner_id for c in checkins))
        for checkin in checkins:
            partner = partners.get(checkin.partner_id)
            for channel in partner.channels if partner else []:
                queued += await queue_reply(
                    session,
                    deps,
                    destination=Destination(
                        platform=channel.platform,  # type: ignore[arg-type]
                        channel_id=channel.channel_id,
                    ),
                    reply=REMINDER,
                    thread_key=thread_key(checkin.id, channel.id),
                    dedupe_key=f"checkin-reminder:{checkin.id}:{channel.id}",
                )
    return queued
