"""The check-in steps of `run_due`: post due check-ins, remind unanswered ones once.

Exactly once: each due occurrence is claimed by a conditional UPDATE of its schedule
(storage.checkins.claim_occurrence) in the same transaction that records the
check-in and queues its posts, so a crash loses nothing (nothing is committed) and a
second replica finds nothing to claim. The outbox dedupe keys are a second guard.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import Button, Reply, ids
from bot.core.codec import action_id
from bot.core.delivery import Destination
from handlers.checkins.schedule import rule_of
from handlers.checkins.timing import is_too_late, local_date, next_due
from handlers.deps import Deps
from handlers.notify import outbox_row, queue_rows
from storage import checkins as store
from storage import partners as partner_store

logger = logging.getLogger(__name__)

CHECKIN_THREAD = "checkin"

HOW_TO_ANSWER = (
    "Answer in this thread, in one message or several. On Teams, reply to this post; "
    "if I don't acknowledge your reply, mention me in it (@PartnerBot), or use Answer."
)


def thread_key(checkin_id: int, channel_row_id: int) -> str:
    """One thread per check-in and channel: `checkin:<check-in id>.<channel row id>`."""
    return f"{CHECKIN_THREAD}:{checkin_id}.{channel_row_id}"


def checkin_id_of(ident: str) -> int | None:
    head = ident.partition(".")[0]
    return int(head) if head.isdigit() else None


def checkin_post(partner_name: str, questions: list[str], checkin_id: int) -> Reply:
    lines = "\n".join(f"- {q}" for q in questions)
    return Reply(
        title=f"Check-in: {partner_name}",
        text=f"Time for our check-in.\n{lines}",
        context=(HOW_TO_ANSWER,),
        buttons=(Button("Answer", action_id(ids.CHECKIN_ANSWER, checkin_id), str(checkin_id)),),
    )


REMINDER = Reply(
    text="A gentle reminder: nobody has answered this check-in yet. A line or two in this "
    "thread is enough.",
)


async def post_due_checkins(deps: Deps, now: datetime) -> int:
    """Post every check-in due at `now` (once); skip, and log, those more than a day
    late. Set-based: a few UPDATEs claim the occurrences, one INSERT records the
    check-ins, one queues the posts. Returns how many messages were queued."""
    questions = list(deps.settings.checkin_questions)
    async with deps.sessions() as session, session.begin():
        due = await store.due_schedules(session, now=now)
        partners = await partner_store.get_partners(session, (s.partner_id for s in due))
        moves: dict[tuple[datetime, datetime | None], list[int]] = {}
        zones: dict[int, ZoneInfo] = {}
        for schedule in due:
            partner = partners.get(schedule.partner_id)
            due_at = schedule.next_due_at
            if partner is None or due_at is None:
                continue
            rule = rule_of(schedule, partner.timezone)
            following = next_due(rule, after=max(now, due_at), previous=due_at)
            moves.setdefault((due_at, following), []).append(partner.id)
            zones[partner.id] = rule.zone
        fresh: list[tuple[int, date, datetime]] = []
        for partner_id, due_at in await store.claim_occurrences(session, moves, now=now):
            if is_too_late(due_at, now):
                logger.warning(
                    "check-in of partner %s due %s skipped: more than a day late",
                    partner_id,
                    due_at.isoformat(),
                )
                continue
            day = local_date(due_at, zones[partner_id])
            fresh.append((partner_id, day, due_at))
        recorded = await store.add_checkins(
            session,
            [
                {"partner_id": p, "local_date": day, "due_at": at, "posted_at": now}
                for p, day, at in fresh
            ],
        )
        rows = [
            outbox_row(
                Destination(platform=channel.platform, channel_id=channel.channel_id),  # type: ignore[arg-type]
                checkin_post(partners[partner_id].name, questions, recorded[partner_id]),
                dedupe_key=f"checkin:{partner_id}:{day.isoformat()}:{channel.id}",
                now=now,
                thread_key=thread_key(recorded[partner_id], channel.id),
            )
            for partner_id, day, _ in fresh
            if partner_id in recorded
            for channel in partners[partner_id].channels
        ]
        return await queue_rows(session, deps, rows)


async def remind_unanswered(deps: Deps, now: datetime) -> int:
    """One reminder in the thread of each check-in nobody answered within
    CHECKIN_REMINDER_DAYS (and not later than a day after that)."""
    wait = timedelta(days=deps.settings.checkin_reminder_days)
    async with deps.sessions() as session, session.begin():
        checkins = await store.claim_unanswered(
            session, posted_after=now - wait - timedelta(days=1), posted_before=now - wait, now=now
        )
        partners = await partner_store.get_partners(session, (c.partner_id for c in checkins))
        rows = [
            outbox_row(
                Destination(platform=channel.platform, channel_id=channel.channel_id),  # type: ignore[arg-type]
                REMINDER,
                dedupe_key=f"checkin-reminder:{checkin.id}:{channel.id}",
                now=now,
                thread_key=thread_key(checkin.id, channel.id),
            )
            for checkin in checkins
            if checkin.partner_id in partners
            for channel in partners[checkin.partner_id].channels
        ]
        return await queue_rows(session, deps, rows)
