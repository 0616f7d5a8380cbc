"""The survey steps of `run_due`: close runs at their close date, remind partners who
have not answered (once), send recurring runs, and ask a registration's partner a day
after a decision (once per registration). Each claims its work with a conditional
UPDATE or a unique key, so two replicas never send the same thing twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core import Reply
from bot.core.delivery import Destination
from handlers.deals.notices import DEAL_THREAD
from handlers.deps import Deps
from handlers.notify import outbox_row, queue_rows, thread_of
from handlers.surveys.send import Audience, next_sending, post_run, send_run, thread_key
from storage import partners as partner_store
from storage import survey_schedule
from storage import surveys as store
from storage import threads as thread_store

logger = logging.getLogger(__name__)

REMINDER = Reply(
    text="A gentle reminder: we'd love your answer to this survey — a number in this "
    "thread is enough, or use the buttons above.",
)
#: A decision is followed by its survey one day later (and no later than two).
AFTER_DELAY = timedelta(days=1)


async def close_runs(deps: Deps, now: datetime) -> int:
    async with deps.sessions() as session, session.begin():
        return await survey_schedule.close_due_runs(session, now=now)


async def remind_unanswered(deps: Deps, now: datetime) -> int:
    """One reminder in each thread of a partner that has not answered within
    SURVEY_REMINDER_DAYS of the run's sending."""
    wait = timedelta(days=deps.settings.survey_reminder_days)
    async with deps.sessions() as session, session.begin():
        targets = await survey_schedule.claim_unanswered_targets(
            session, sent_before=now - wait, now=now
        )
        partners = await partner_store.get_partners(session, (t.partner_id for t in targets))
        rows = [
            outbox_row(
                Destination(platform=channel.platform, channel_id=channel.channel_id),  # type: ignore[arg-type]
                REMINDER,
                dedupe_key=f"survey-reminder:{target.run_id}:{target.partner_id}:{channel.id}",
                now=now,
                thread_key=thread_key(target.run_id, target.partner_id, channel.id),
            )
            for target in targets
            if target.partner_id in partners
            for channel in partners[target.partner_id].channels
        ]
        return await queue_rows(session, deps, rows)


def audience_of(described: str) -> Audience:
    kind, _, name = described.partition(" ")
    if kind == "partner":
        return Audience(partner=name)
    if kind == "tier":
        return Audience(tier=name)
    return Audience()


async def send_recurring(deps: Deps, now: datetime) -> int:
    """The next run of each recurring run that is due (the claimed run stops recurring;
    the new one carries the schedule on)."""
    async with deps.sessions() as session, session.begin():
        claimed = await survey_schedule.claim_recurring(session, now=now)
        plans = [
            (
                r.survey_id,
                r.audience,
                r.anonymous,
                r.every,
                r.closes_at - r.created_at if r.closes_at else None,
            )
            for r in claimed
        ]
        keys = {s.id: s.key for s in await store.list_surveys(session)}
    runs = 0
    for survey_id, audience, anonymous, every, open_for in plans:
        try:
            run_id, _ = await send_run(
                deps,
                keys[survey_id],
                audience_of(audience),
                closes=(now + open_for).date() if open_for else None,
                anonymous=anonymous,
                every=every,
                now=now,
            )
        except Exception:  # boundary: one survey's failure must not stop the others
            logger.exception("recurring survey %s (%s) could not be sent", survey_id, audience)
            continue
        logger.info("recurring survey %s sent as run %s", survey_id, run_id)
        runs += 1
    return runs


async def ask_after_decisions(deps: Deps, now: datetime) -> int:
    """For each `--after` trigger: a run per registration decided a day ago, posted in
    the registration's thread (or the partner's channels when it has none)."""
    queued = 0
    async with deps.sessions() as session, session.begin():
        for trigger in await survey_schedule.list_triggers(session):
            survey = await session.get(store.Survey, trigger.survey_id)
            if survey is None:
                continue
            decided = await survey_schedule.decided_deals(
                session,
                trigger.survey_id,
                trigger.after,
                since=now - AFTER_DELAY * 2,
                until=now - AFTER_DELAY,
            )
            partners = await partner_store.get_partners(session, (p for _, p in decided))
            for deal_id, partner_id in decided:
                partner = partners.get(partner_id)
                if partner is None:
                    continue
                run = await store.add_run(
                    session,
                    survey_id=survey.id,
                    audience=f"partner {partner.name}",
                    anonymous=trigger.anonymous,
                    created_at=now,
                    closes_at=now + timedelta(days=7),
                    deal_id=deal_id,
                )
                if run is None:
                    continue
                given: dict[int, Destination] = {}
                for channel in partner.channels:
                    thread = await thread_of(session, f"{DEAL_THREAD}:{deal_id}", channel.platform)
                    if thread is not None and thread.thread_id is not None:
                        given[partner.id] = thread
                        await thread_store.save_thread(
                            session,
                            thread_key(run.id, partner.id, channel.id),
                            platform=channel.platform,
                            channel_id=str(thread.channel_id),
                            thread_id=thread.thread_id,
                        )
                        break
                queued += await post_run(
                    session, deps, run, survey, [partner], now=now, thread_of_partner=given
                )
    return queued


async def trigger_after(deps: Deps, survey_key: str, after: str, *, anonymous: bool) -> int:
    """`survey send S --after approved|won|lost`: returns the trigger's id."""
    from bot.core.errors import InvalidInput, NotFound
    from handlers.surveys.definitions import ensure_builtin

    if after not in ("approved", "won", "lost"):
        raise InvalidInput({"after": f"{after!r} is not approved, won or lost"})
    async with deps.sessions() as session, session.begin():
        await ensure_builtin(session)
        survey = await store.get_survey(session, survey_key.lower())
        if survey is None:
            raise NotFound("survey", survey_key)
        trigger = await survey_schedule.add_trigger(session, survey.id, after, anonymous=anonymous)
        return trigger.id


__all__ = [
    "ask_after_decisions",
    "close_runs",
    "next_sending",
    "remind_unanswered",
    "send_recurring",
    "trigger_after",
]
