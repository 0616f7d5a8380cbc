"""Check-ins through the real Teams adapter: the manager sets the schedule in the
channel, run_due posts the check-in through the connector, and a partner's answers in
its reply chain (`<channel>;messageid=<root>`, without a mention — the app holds
ChannelMessage.Read.Group — and with one) are stored; the first is acknowledged with a
short line, the next gets nothing, and channel chatter outside the thread is ignored."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.checkins.schedule import Change, set_by_name
from handlers.deps import Deps
from handlers.notify import thread_of
from scheduling.jobs import run_due
from storage import checkins as checkin_store
from storage import partners as partner_store
from storage import people as people_store
from tests.scenarios.teams.fakes import ALICE, BOB, CHANNEL_ID, TeamsDriver

DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 Europe/Berlin


async def test_answers_in_the_reply_chain_are_stored_and_acknowledged_once(
    teams: TeamsDriver, deps: Deps
) -> None:
    async with deps.sessions() as session, session.begin():
        alice = await people_store.upsert_person(
            session, "teams", ALICE.id, name=ALICE.name, role="manager"
        )
        acme = await partner_store.add_partner(
            session, "Acme", manager_id=alice.id, timezone="Europe/Berlin"
        )
        await partner_store.link_channel(session, acme, platform="teams", channel_id=CHANNEL_ID)
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=acme.id
        )

    teams.mark()
    await teams.channel("partnerbot checkins weekly mon 09:00", user=ALICE)
    # Said only to the manager: in their 1:1 chat, with a pointer to it in the channel.
    sent = await teams.wait_for(2)
    assert any("weekly on mon at 09:00 (Europe/Berlin)" in m.shown for m in sent)

    teams.mark()
    report = await run_due(deps, now=DUE)
    assert report.delivery.sent == 1
    [post] = teams.since()
    assert "What moved since last time?" in post.shown and "mention me" in post.shown
    async with deps.sessions() as session:
        thread = await thread_of(session, "checkin:1.1", "teams")
    assert thread is not None and thread.channel_id == CHANNEL_ID
    root = str(thread.thread_id)

    teams.mark()
    await teams.channel("Closed the Globex pilot.", thread=root, mention=False, user=BOB)
    [ack] = teams.since()
    assert "Thanks, noted." in ack.shown
    assert ack.conversation_id == f"{CHANNEL_ID};messageid={root}"

    teams.mark()
    await teams.channel("Blocker: legal review.", thread=root, mention=True, user=BOB)
    await teams.channel("Lunch, anyone?", mention=False, user=BOB)  # not in the thread
    assert teams.since() == []
    async with deps.sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == ["Closed the Globex pilot.", "Blocker: legal review."]


async def test_the_answer_button_works_without_the_permission(
    teams: TeamsDriver, deps: Deps
) -> None:
    """Where the RSC permission was not granted, the check-in's Answer button opens a
    card whose answer is stored like a thread reply."""
    async with deps.sessions() as session, session.begin():
        acme = await partner_store.add_partner(session, "Acme", timezone="Europe/Berlin")
        await partner_store.link_channel(session, acme, platform="teams", channel_id=CHANNEL_ID)
        await people_store.upsert_person(
            session, "teams", BOB.id, name=BOB.name, partner_id=acme.id
        )
    await set_by_name(deps, "Acme", Change(cadence="weekly", weekday=0, local_time="09:00"))
    await teams.channel("help", user=BOB)  # the bot learns the channel's conversation
    teams.mark()
    await run_due(deps, now=DUE)
    [post] = teams.since()
    teams.mark()
    await teams.click(post, "Answer", user=BOB)
    [form] = [s for s in await teams.wait_for(1) if s.card]
    data = dict(form.buttons[0]["data"])
    teams.mark()
    await teams.submit(
        {**data, "answer": "Two new deals."},
        reply_to=form.id,
        conversation=form.conversation_id,
        user=BOB,
    )
    async with deps.sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == ["Two new deals."]
