"""Surveys through the real Slack adapter: a manager sends one with the slash command,
run_due posts its first question (with score buttons) in the partner channel, and
partners answer in the thread with signed message events — in plain words, retried,
edited (message_changed), by click — while results stay with the manager."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers.deps import Deps
from handlers.notify import thread_of
from handlers.surveys.results import results_of
from scheduling.jobs import run_due
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from storage.outbox import OutboxMessage
from storage.surveys import SurveyAnswer
from tests.conftest import FIXED_NOW
from tests.scenarios.slack.fakes import HOME_TEAM, OTHER_TEAM, SlackDriver

_TS = itertools.count(1)


async def _world(sessions: SessionFactory, *, beta: bool = False) -> None:
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        acme = await partner_store.add_partner(session, "Acme", tier="gold", manager_id=manager.id)
        await partner_store.link_channel(session, acme, platform="slack", channel_id="C0PARTNER")
        for user, name in (("U0REP", "Rita"), ("U0ROB", "Rob")):
            await people_store.upsert_person(
                session, "slack", user, name=name, partner_id=acme.id, is_external=True
            )
        if beta:
            other = await partner_store.add_partner(
                session, "Beta", tier="silver", manager_id=manager.id
            )
            await partner_store.link_channel(session, other, platform="slack", channel_id="C0BETA")


def _message(text: str, *, user: str, root: str, ts: str | None = None) -> dict[str, Any]:
    ts = ts or f"1695000000.{next(_TS):06d}"
    return {
        "type": "message",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": root,
        "channel": "C0PARTNER",
        "event_ts": ts,
        "user_team": OTHER_TEAM,
        "team": HOME_TEAM,
    }


def _edit(original: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "C0PARTNER",
        "channel_type": "channel",
        "ts": f"1695000001.{next(_TS):06d}",
        "message": {**original, "text": text, "edited": {"user": original["user"], "ts": "1"}},
        "previous_message": original,
    }


async def _answers(sessions: SessionFactory) -> list[SurveyAnswer]:
    async with sessions() as session:
        rows = await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id))
        return list(rows.all())


async def _root(sessions: SessionFactory, key: str) -> str:
    async with sessions() as session:
        thread = await thread_of(session, key, "slack")
    assert thread is not None and thread.thread_id is not None
    return thread.thread_id


async def test_partners_answer_in_the_thread_and_the_manager_sees_results(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    await _world(sessions)
    sent = await slack.command(
        "/partnerbot", "survey send nps tier=gold closes=2027-01-15", user="U0MANAGER"
    )
    assert sent.status == 200
    await slack.settle()
    confirmed = sent.body + "".join(c.params.get("text", "") for c in slack.calls())
    assert "Survey run 1 is on its way: 1 channel(s)" in confirmed

    report = await run_due(slack_deps, now=FIXED_NOW)
    assert report.delivery.sent == 1
    [post] = slack.calls("chat.postMessage")
    assert post.params["channel"] == "C0PARTNER"
    assert "How likely are you to recommend partnering with us?" in post.block_text()
    buttons = [e for b in post.blocks() if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == [str(n) for n in range(11)]
    root = await _root(sessions, "survey:1.1.1")

    # Rita: a score and a comment (which also answers "the main reason"); Slack retries it.
    rita = _message("9 - support is great", user="U0REP", root=root)
    await slack.event(rita, event_id="EvRITA", shared=True)
    await slack.event(rita, event_id="EvRITA", retry_num=1, shared=True)
    await slack.settle()
    [reaction] = slack.calls("reactions.add")
    assert (reaction.params["timestamp"], reaction.params["name"]) == (
        rita["ts"],
        "white_check_mark",
    )
    assert len(slack.calls("chat.postMessage")) == 1  # she is done: nothing more to ask

    # Rob: chatter first (a hint, nothing stored), then a score, then his reason.
    await slack.event(_message("great!", user="U0ROB", root=root), shared=True)
    await slack.settle()
    hint = slack.calls("chat.postMessage")[-1]
    assert hint.params["thread_ts"] == root and "number from 0 to 10" in hint.params["text"]
    assert len(await _answers(sessions)) == 2
    rob = _message("8/10", user="U0ROB", root=root)
    await slack.event(rob, shared=True)
    await slack.settle()
    follow = slack.calls("chat.postMessage")[-1]
    assert follow.params["thread_ts"] == root
    assert "What is the main reason for your score?" in follow.params["text"]
    await slack.event(_message("Approvals are slow", user="U0ROB", root=root), shared=True)
    # He edits his score (message_changed): the answer is updated, nothing is posted.
    await slack.event(_edit(rob, "6"), shared=True)
    await slack.settle()
    posts = len(slack.calls("chat.postMessage"))
    # Chatter after completion is left alone; a click replaces Rita's score.
    await slack.event(_message("thanks all!", user="U0REP", root=root), shared=True)
    await slack.click(buttons[10]["action_id"], buttons[10]["value"], user="U0REP",
                      user_team=OTHER_TEAM, message_ts=root)  # fmt: skip
    await slack.settle()
    assert len(slack.calls("chat.postMessage")) == posts
    [thanks] = [c for c in slack.calls("chat.postEphemeral") if "noted" in c.params["text"]]
    assert thanks.params["user"] == "U0REP" and "10 noted" in thanks.params["text"]

    answers = await _answers(sessions)
    assert sorted((a.position, a.score, a.comment) for a in answers) == [
        (0, 6, None),
        (0, 10, None),
        (1, None, "Approvals are slow"),
        (1, None, "support is great"),
    ]
    assert all(a.person_id is not None for a in answers)

    # Results: for the manager only, never in the channel.
    here = await slack.command("/partnerbot", "survey results 1", user="U0MANAGER")
    mine = await slack.command(
        "/partnerbot",
        "survey results 1",
        user="U0MANAGER",
        channel="D0MIA",
        channel_name="directmessage",
    )
    theirs = await slack.command("/partnerbot", "survey results 1", user="U0REP", team=OTHER_TEAM)
    await slack.settle()
    shown = "\n".join([mine.body, theirs.body, *(c.params.get("text", "") for c in slack.calls())])
    assert "promoters" not in here.body and "don't show them in a partner's channel" in (
        here.body + " ".join(c.params.get("text", "") for c in slack.calls("chat.postEphemeral"))
    )
    assert "NPS *+0* from 2 answers: 1 promoters, 0 passives, 1 detractors" in shown
    assert "Only channel managers" in shown
    channel_posts = " ".join(c.params["text"] for c in slack.calls("chat.postMessage"))
    assert "promoters" not in channel_posts and "Only channel managers" not in channel_posts
    results = await results_of(slack_deps, 1)
    assert results.by_partner[0]["respondents"] == 2
    assert {c["text"] for c in results.comments} == {"support is great", "Approvals are slow"}
    assert all(c["person"] for c in results.comments)


async def test_anonymous_run_reminds_once_closes_and_declines_late_answers(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    await _world(sessions, beta=True)
    await slack.command(
        "/partnerbot", "survey send satisfaction all closes=2026-12-05 anonymous", user="U0MANAGER"
    )
    await slack.settle()
    await run_due(slack_deps, now=FIXED_NOW)
    assert len(slack.calls("chat.postMessage")) == 2  # Acme and Beta
    root = await _root(sessions, "survey:1.1.1")
    await slack.event(_message("4 out of 5", user="U0REP", root=root), shared=True)
    await slack.settle()
    [stored] = await _answers(sessions)
    assert stored.score == 4 and stored.person_id is None and stored.respondent != "2"

    later = FIXED_NOW + timedelta(days=3, hours=1)
    await run_due(slack_deps, now=later)
    await run_due(slack_deps, now=later + timedelta(hours=1))
    reminders = [
        c for c in slack.calls("chat.postMessage") if "gentle reminder" in c.params["text"]
    ]
    assert [r.params["channel"] for r in reminders] == ["C0BETA"]  # Acme answered
    assert reminders[0].params["thread_ts"] == await _root(sessions, "survey:1.2.2")

    await run_due(slack_deps, now=datetime(2026, 12, 6, 1, 0, tzinfo=UTC))
    before = len(slack.calls("chat.postMessage"))
    await slack.event(_message("5 stars", user="U0ROB", root=root), shared=True)
    await slack.settle()
    [declined] = slack.calls("chat.postMessage")[before:]
    assert "closed on 2026-12-05" in declined.params["text"]
    assert len(await _answers(sessions)) == 1
    results = await results_of(slack_deps, 1)
    assert results.questions[0].average == 4.0 and results.closed
    assert results.by_tier == [
        {"name": "gold", "partners": 1, "responded": 1, "respondents": 1, "rate": 1.0},
        {"name": "silver", "partners": 1, "responded": 0, "respondents": 0, "rate": 0.0},
    ]


async def test_a_channel_the_bot_has_left_is_a_recorded_failure_and_others_get_it(
    slack: SlackDriver, slack_deps: Deps, sessions: SessionFactory
) -> None:
    await _world(sessions, beta=True)
    await slack.command("/partnerbot", "survey send nps all", user="U0MANAGER")
    await slack.settle()
    slack.api.fail("chat.postMessage", error="not_in_channel")
    report = await run_due(slack_deps, now=FIXED_NOW)
    assert (report.delivery.sent, report.delivery.failed) == (1, 1)
    async with sessions() as session:
        failed = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed"))
        ).all()
    assert [m.channel_id for m in failed] == ["C0PARTNER"]
    assert "not_in_channel" in str(failed[0].last_error)
    assert await _root(sessions, "survey:1.2.2")
