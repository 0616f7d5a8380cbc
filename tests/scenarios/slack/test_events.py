"""Events API end to end: mentions, DMs, thread replies, retries, ignored events."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

import app
from bot.core import Reply, Request
from bot.slack import SLACK_KEY
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.routes import ThreadKey
from storage import people as people_store
from storage import threads as thread_store
from storage.engine import SessionFactory
from tests.routing import add_routes
from tests.scenarios.slack.fakes import BOT_ID, BOT_USER, OTHER_TEAM, SlackDriver


async def _people(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(people_store.Person)) or 0)


async def test_bare_mention_answers_with_a_menu_of_buttons(slack: SlackDriver) -> None:
    sent = await slack.mention("", user="U0REP")
    assert sent.status == 200
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["user"] == "U0REP"
    [actions] = [b for b in call.blocks() if b["type"] == "actions"]
    action_ids = [e["action_id"] for e in actions["elements"]]
    assert action_ids == ["menu-register-deal", "menu-my-deals", "menu-ask", "menu-help"]


async def test_mention_with_a_command_runs_it(slack: SlackDriver) -> None:
    await slack.mention("partnerbot help")
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert "What I can do for you" in call.block_text()


async def test_external_guest_can_use_the_bot_by_mention(slack: SlackDriver) -> None:
    await slack.mention("help", user="U0GUEST", user_team=OTHER_TEAM)
    await slack.settle()
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["user"] == "U0GUEST"
    assert "/partnerbot link" not in call.block_text()  # guests are never staff


async def test_dm_is_answered_with_a_plain_message(slack: SlackDriver) -> None:
    await slack.dm("help")
    await slack.settle()
    [call] = slack.calls("chat.postMessage")
    assert call.params["channel"] == "D0REP"
    assert "direct message" in call.block_text()
    assert not slack.calls("chat.postEphemeral")


async def test_retried_event_is_processed_once_even_after_a_restart(
    slack: SlackDriver, slack_deps: Deps
) -> None:
    await slack.mention("help", event_id="Ev0RETRY")
    await slack.mention("help", event_id="Ev0RETRY")
    await slack.settle()
    assert len(slack.calls("chat.postEphemeral")) == 1
    # A new server process on the same database: the id is persisted, not in memory.
    other = TestServer(app.build_web_app(slack_deps), host="127.0.0.1", port=0)
    await other.start_server()
    try:
        slack.url = str(other.make_url("/slack/events"))
        sent = await slack.mention("help", event_id="Ev0RETRY")
        assert sent.status == 200
        await other.app[SLACK_KEY].tasks.idle()
    finally:
        await other.close()
    assert len(slack.calls("chat.postEphemeral")) == 1


async def test_channel_chatter_is_ignored_and_nothing_is_written(
    slack: SlackDriver, sessions: SessionFactory
) -> None:
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0REP",
        "text": "lunch?",
        "ts": "1690000000.000001",
        "channel": "C0PARTNER",
        "team": "T0HOME",
    }
    assert (await slack.event(event)).status == 200
    await slack.settle()
    assert slack.api.api_calls() == []
    assert await _people(sessions) == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "message_changed"},
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
        {"bot_id": BOT_ID, "user": BOT_USER},
    ],
    ids=["edit", "other-bot", "self"],
)
async def test_edits_and_bot_messages_are_acknowledged_and_ignored(
    slack: SlackDriver, sessions: SessionFactory, extra: dict[str, str]
) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0REP",
        "text": "help",
        "ts": "1690000000.000002",
        "channel": "D0REP",
        **extra,
    }
    assert (await slack.event(event)).status == 200
    await slack.settle()
    assert slack.api.api_calls() == []
    assert await _people(sessions) == 0


async def test_a_channel_message_that_mentions_the_bot_is_answered_once(
    slack: SlackDriver,
) -> None:
    # Slack sends both app_mention and message.channels for it.
    await slack.mention("help", user="U0REP")
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": "U0REP",
        "text": f"<@{BOT_USER}> help",
        "ts": "1690000000.000003",
        "channel": "C0PARTNER",
    }
    await slack.event(event)
    await slack.settle()
    assert len(slack.calls("chat.postEphemeral")) == 1


async def test_thread_reply_without_mention_goes_to_the_threads_owner(
    slack: SlackDriver, slack_deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Request, ThreadKey]] = []

    async def follow_up(
        request: Request, thread: ThreadKey, caller: Caller, deps: Deps
    ) -> list[Reply]:
        seen.append((request, thread))
        return [Reply(text="Noted, thanks!", in_thread=True)]

    async def never(request: Request, thread: ThreadKey, caller: Caller, deps: Deps) -> list[Reply]:
        raise AssertionError("a thread with no key of this owner was offered to it")

    add_routes(monkeypatch, threads={"test": follow_up, "other": never})
    async with slack_deps.sessions() as session, session.begin():
        await thread_store.save_thread(
            session,
            "test:7",
            platform="slack",
            channel_id="C0PARTNER",
            thread_id="1690000000.000009",
        )
    await slack.thread_message("the budget is 50k", thread_ts="1690000000.000009")
    await slack.settle()
    [(request, key)] = seen
    assert key == ThreadKey(owner="test", ident="7")
    assert not request.mentioned
    assert request.place.thread_id == "1690000000.000009"
    assert request.text == "the budget is 50k"
    [call] = slack.calls("chat.postMessage")
    assert call.params["thread_ts"] == "1690000000.000009"
    assert call.params["channel"] == "C0PARTNER"
