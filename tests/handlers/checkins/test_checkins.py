"""Check-ins end to end through the router and `run_due`: a manager sets the schedule in
the partner channel, the check-in goes out once, answers in its thread are stored per
person and acknowledged once, an unanswered one is reminded once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.core import Place, Request
from handlers.deps import Deps
from handlers.router import dispatch
from scheduling.jobs import run_due
from storage import checkins as checkin_store
from storage.outbox import OutboxMessage
from tests.handlers.deal_world import (
    CHANNEL_A,
    MANAGER,
    REP_A,
    REP_A2,
    RecordingSender,
    build_world,
    click,
    command,
    submit,
    text_of,
)

#: Monday 2026-11-30 09:00 Europe/Berlin (CET).
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def at(deps: Deps, moment: datetime) -> Deps:
    return dataclasses.replace(deps, clock=lambda: moment)


async def _scheduled(deps: Deps) -> RecordingSender:
    sender = await build_world(deps)
    replies = await command(deps, MANAGER, CHANNEL_A, "checkins", "weekly mon 09:00 Europe/Berlin")
    assert "weekly on mon at 09:00 (Europe/Berlin)" in text_of(replies)
    assert "2026-11-30 08:00" in text_of(replies)
    return sender


async def _outbox_count(deps: Deps, prefix: str = "checkin:") -> int:
    async with deps.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.dedupe_key.startswith(prefix))
        )
    return int(count or 0)


def _in_thread(thread_id: str, message_id: str) -> Place:
    return dataclasses.replace(CHANNEL_A, thread_id=thread_id, message_id=message_id)


async def test_the_check_in_goes_out_once_with_the_questions(deps: Deps) -> None:
    sender = await _scheduled(deps)
    report = await run_due(at(deps, DUE - timedelta(minutes=1)), now=DUE - timedelta(minutes=1))
    assert report.queued["checkins"] == 0
    report = await run_due(at(deps, DUE), now=DUE)
    assert report.queued["checkins"] == 1 and report.delivery.sent == 1
    again = await run_due(at(deps, DUE + timedelta(minutes=5)), now=DUE + timedelta(minutes=5))
    assert again.queued["checkins"] == 0
    [post] = sender.to_channel("C-ACME")
    shown = text_of([post.reply])
    assert "What moved since last time?" in shown and "Answer in this thread" in shown
    async with deps.sessions() as session:
        schedule = await checkin_store.get_schedule(session, 1)
    assert schedule is not None and schedule.next_due_at == DUE + timedelta(weeks=1)


async def test_two_concurrent_runs_post_one_check_in(deps: Deps) -> None:
    await _scheduled(deps)
    later = at(deps, DUE)
    first, second = await asyncio.gather(
        run_due(later, now=DUE, deliver=False), run_due(later, now=DUE, deliver=False)
    )
    assert await _outbox_count(deps) == 1
    assert sorted([first.queued["checkins"], second.queued["checkins"]]) == [0, 1]


async def test_a_check_in_missed_by_hours_goes_out_once_and_by_days_not_at_all(
    deps: Deps,
) -> None:
    await _scheduled(deps)
    hours_late = DUE + timedelta(hours=5)
    assert (await run_due(at(deps, hours_late), now=hours_late)).queued["checkins"] == 1
    # The bot is then down for the whole of the next Monday and Tuesday.
    days_late = DUE + timedelta(weeks=1, days=1, hours=2)
    assert (await run_due(at(deps, days_late), now=days_late)).queued["checkins"] == 0
    assert await _outbox_count(deps) == 1
    async with deps.sessions() as session:
        schedule = await checkin_store.get_schedule(session, 1)
    assert schedule is not None and schedule.next_due_at == DUE + timedelta(weeks=2)


async def test_answers_are_stored_per_person_and_acknowledged_once(deps: Deps) -> None:
    sender = await _scheduled(deps)
    await run_due(at(deps, DUE), now=DUE)
    [post] = sender.to_channel("C-ACME")
    thread = post.message_id
    later = at(deps, DUE + timedelta(hours=1))

    async def say(who: object, text: str, n: int, *, mentioned: bool = False) -> list[object]:
        request = Request(
            actor=who,  # type: ignore[arg-type]
            place=_in_thread(thread, f"r{n}"),
            text=text,
            mentioned=mentioned,
        )
        return await dispatch(request, later)  # type: ignore[return-value]

    [ack] = await say(REP_A, "We closed the Globex pilot.", 1)
    assert ack.acknowledge and ack.text  # type: ignore[attr-defined]
    assert await say(REP_A, "Blocker: legal review.", 2, mentioned=True) == []
    assert len(await say(REP_A2, "Nothing from me.", 3)) == 1
    assert await say(MANAGER, "Thanks all!", 4) == []
    async with deps.sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == [
        "We closed the Globex pilot.",
        "Blocker: legal review.",
        "Nothing from me.",
    ]
    assert len({a.person_id for a in answers}) == 2
    # Answered: no reminder.
    two_days = DUE + timedelta(days=2, hours=1)
    assert (await run_due(at(deps, two_days), now=two_days)).queued["checkin_reminders"] == 0


async def test_an_unanswered_check_in_is_reminded_once_in_its_thread(deps: Deps) -> None:
    sender = await _scheduled(deps)
    await run_due(at(deps, DUE), now=DUE)
    [post] = sender.to_channel("C-ACME")
    one_day = DUE + timedelta(days=1)
    assert (await run_due(at(deps, one_day), now=one_day)).queued["checkin_reminders"] == 0
    for hours in (1, 2, 5):
        moment = DUE + timedelta(days=2, hours=hours)
        await run_due(at(deps, moment), now=moment)
    reminders = [s for s in sender.to_channel("C-ACME") if "gentle reminder" in s.reply.text]
    assert len(reminders) == 1
    assert reminders[0].destination.thread_id == post.message_id


async def test_the_schedule_is_paused_shown_and_turned_off_in_chat(deps: Deps) -> None:
    await _scheduled(deps)
    paused = await command(deps, MANAGER, CHANNEL_A, "checkins", "pause until 2027-01-10")
    assert "paused until 2027-01-10" in text_of(paused)
    assert "2027-01-11 08:00" in text_of(paused)
    shown = await command(deps, MANAGER, CHANNEL_A, "checkins", "show")
    assert "paused until 2027-01-10" in text_of(shown)
    off = await command(deps, MANAGER, CHANNEL_A, "checkins", "off")
    assert "off" in text_of(off)
    assert (await run_due(at(deps, DUE), now=DUE)).queued["checkins"] == 0
    bad = await command(deps, MANAGER, CHANNEL_A, "checkins", "weekly someday")
    assert "couldn't read" in text_of(bad)
    denied = await command(deps, REP_A, CHANNEL_A, "checkins", "off")
    assert "Only the channel manager" in text_of(denied)


async def test_the_answer_button_opens_a_form_whose_answer_is_stored(deps: Deps) -> None:
    sender = await _scheduled(deps)
    await run_due(at(deps, DUE), now=DUE)
    [post] = sender.to_channel("C-ACME")
    [answer] = post.reply.buttons
    later = at(deps, DUE + timedelta(hours=1))
    [opened] = await click(later, REP_A, CHANNEL_A, answer)
    assert opened.form is not None
    [thanks] = await submit(later, REP_A, CHANNEL_A, opened.form, {"answer": "All good."})
    assert "Thanks" in thanks.text
    [refused] = await click(later, MANAGER, CHANNEL_A, answer)
    assert refused.form is None
    async with deps.sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == ["All good."]
