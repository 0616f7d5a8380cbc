"""Check-ins through the real Slack adapter: the manager's slash command sets the
schedule, run_due posts the check-in into the partner channel, a partner's thread reply
(a signed message event with thread_ts) is stored and acknowledged with one reaction;
the same person's next message gets nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.deps import Deps
from handlers.notify import thread_of
from scheduling.jobs import run_due
from storage import checkins as checkin_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.scenarios.slack.fakes import OTHER_TEAM, SlackDriver

DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 Europe/Berlin


async def test_a_thread_reply_is_stored_and_acknowledged_with_a_reaction_once(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        acme = await partner_store.add_partner(
            session, "Acme", manager_id=manager.id, timezone="Europe/Berlin"
        )
        await partner_store.link_channel(session, acme, platform="slack", channel_id="C0PARTNER")
        await people_store.upsert_person(
            session, "slack", "U0REP", name="Rita", partner_id=acme.id, is_external=True
        )

    sent = await slack.command("/partnerbot", "checkins weekly mon 09:00", user="U0MANAGER")
    assert sent.status == 200
    await slack.settle()
    assert "weekly on mon at 09:00 (Europe/Berlin)" in sent.body + "".join(
        c.params.get("text", "") for c in slack.calls("chat.postEphemeral")
    )

    report = await run_due(slack_deps, now=DUE)
    assert report.delivery.sent == 1
    [post] = [c for c in slack.calls("chat.postMessage") if "Check-in" in c.params["text"]]
    assert post.params["channel"] == "C0PARTNER" and "thread_ts" not in post.params
    async with sessions() as session:
        thread = await thread_of(session, "checkin:1.1", "slack")
    assert thread is not None and thread.channel_id == "C0PARTNER"
    root = str(thread.thread_id)
    before = len(slack.calls("chat.postMessage"))

    for text in ("Closed the Globex pilot.", "Blocker: legal review."):
        await slack.thread_message(
            text, thread_ts=root, user="U0REP", channel="C0PARTNER", user_team=OTHER_TEAM
        )
        await slack.settle()

    [reaction] = slack.calls("reactions.add")
    assert reaction.params["name"] == "white_check_mark"
    assert reaction.params["channel"] == "C0PARTNER" and reaction.params["timestamp"] != root
    assert len(slack.calls("chat.postMessage")) == before  # no chatter answered
    async with sessions() as session:
        answers = await checkin_store.list_answers(session, 1)
    assert [a.text for a in answers] == ["Closed the Globex pilot.", "Blocker: legal review."]
