"""Knowledge answers through the real Slack adapter: `/ask`, an @mention answered in
its thread with Sources and feedback buttons, a feedback click, and "I don't know"
handed to the channel manager, whose thread reply reaches the partner."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.core.logcontext import ContextFilter
from handlers.deps import Deps
from handlers.knowledge.ask import HEDGED
from handlers.knowledge.ingest import ingest
from handlers.notify import thread_of
from scheduling.outbox import deliver_due
from storage import kb_questions as question_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import SessionFactory
from tests.handlers.kb_world import (
    HEDGED_QUESTION,
    HEDGED_SOURCE,
    SAMPLE,
    ingest_hedged_pages,
)
from tests.scenarios.slack.fakes import OTHER_TEAM, Call, SlackDriver


@pytest.fixture
async def world(slack_deps: Deps, sessions: SessionFactory) -> None:
    """The sample knowledge base; Acme (gold) in C0PARTNER with guest rep U0REP,
    owned by manager U0MANAGER."""
    await ingest(slack_deps, [SAMPLE])
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(
            session, "slack", "U0MANAGER", name="Mia", role="manager"
        )
        partner = await partner_store.add_partner(
            session, "Acme", tier="gold", manager_id=manager.id
        )
        await partner_store.link_channel(session, partner, platform="slack", channel_id="C0PARTNER")
        await people_store.upsert_person(
            session, "slack", "U0REP", name="Rita", partner_id=partner.id, is_external=True
        )


def buttons(call: Call) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in call.blocks():
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found[element["text"]["text"]] = element
    return found


def answer_calls(slack: SlackDriver) -> list[Call]:
    return [c for c in slack.calls() if c.method in ("chat.postMessage", "chat.postEphemeral")]


async def test_slash_ask_answers_with_sources(slack: SlackDriver, world: None) -> None:
    sent = await slack.command("/ask", "is lumora soc 2 certified?", user="U0REP", team=OTHER_TEAM)
    assert sent.status == 200
    await slack.settle()
    [answer] = answer_calls(slack)
    assert answer.params["channel"] == "C0PARTNER"
    assert "SOC 2 Type II" in answer.params["text"]
    assert "[1] Security and Compliance" in answer.block_text()
    assert set(buttons(answer)) == {"Helpful", "Not helpful"}


async def test_mention_is_answered_in_its_thread_and_feedback_thanks_the_clicker(
    slack: SlackDriver, world: None, slack_deps: Deps
) -> None:
    await slack.mention("does sso work with okta?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [answer] = answer_calls(slack)
    assert answer.params["thread_ts"]  # under the mention, not in the channel
    assert "Okta" in answer.params["text"]
    assert "*Sources*" in answer.block_text()
    helpful = buttons(answer)["Helpful"]

    await slack.click(
        helpful["action_id"], helpful["value"], user="U0REP", user_team=OTHER_TEAM,
        message_ts="1700000000.000009",
    )  # fmt: skip
    await slack.settle()
    [update] = slack.calls("chat.update")
    assert update.params["ts"] == "1700000000.000009"
    assert "Thanks" in update.block_text() and "Okta" in update.params["text"]
    assert "*Sources*" in update.block_text()
    assert buttons(update) == {}
    [confirm] = slack.calls("chat.postEphemeral")
    assert confirm.params["user"] == "U0REP"

    await slack.click(helpful["action_id"], helpful["value"], user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    assert "already" in slack.calls("chat.postEphemeral")[-1].params["text"]
    async with slack_deps.sessions() as session:
        rows = await question_store.list_feedback(
            session, json.loads(helpful["value"])["question_id"]
        )
    assert [r.helpful for r in rows] == [True]


async def test_a_declined_question_names_the_closest_page(slack: SlackDriver, world: None) -> None:
    question = "how long is the penetration test summary valid?"
    await slack.mention(question, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [answer] = answer_calls(slack)
    assert "couldn't find" in answer.params["text"]
    assert "Closest pages: Security and Compliance" in answer.block_text()
    assert "Sources" not in answer.block_text()


async def test_unknown_question_goes_to_the_manager_and_back(
    slack: SlackDriver, world: None, slack_deps: Deps
) -> None:
    await slack.mention("can we pay the invoice in bitcoin?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [answer] = answer_calls(slack)
    partner_thread = answer.params["thread_ts"]
    assert "couldn't find" in answer.params["text"]
    ask_manager = buttons(answer)["Ask my channel manager"]
    await slack.click(
        ask_manager["action_id"], ask_manager["value"], user="U0REP", user_team=OTHER_TEAM
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [to_manager] = [c for c in slack.calls("chat.postMessage") if "bitcoin" in c.params["text"]
                    and c.params["channel"] != "C0PARTNER"]  # fmt: skip
    async with slack_deps.sessions() as session:
        question_id = json.loads(ask_manager["value"])["question_id"]
        where = await thread_of(session, f"question:{question_id}", "slack")
    assert where is not None and where.channel_id == to_manager.params["channel"]

    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U0MANAGER",
            "text": "Not yet; wire transfer works.",
            "ts": "1700000099.000001",
            "thread_ts": where.thread_id,
            "channel": where.channel_id,
            "event_ts": "1700000099.000001",
            "team": "T0HOME",
        }
    )
    await slack.settle()
    await deliver_due(slack_deps, per_channel_interval=0)
    [relayed] = [c for c in slack.calls("chat.postMessage") if "wire transfer" in c.params["text"]
                 and c.params["channel"] == "C0PARTNER"]  # fmt: skip
    assert relayed.params["thread_ts"] == partner_thread


async def test_a_follow_up_in_the_answer_thread_needs_no_mention(
    slack: SlackDriver, world: None
) -> None:
    await slack.mention("is lumora gdpr compliant?", user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [first] = answer_calls(slack)
    thread_ts = first.params["thread_ts"]
    await slack.thread_message(
        "and how is data encrypted at rest?",
        thread_ts=thread_ts,
        user="U0REP",
        user_team=OTHER_TEAM,
    )
    await slack.settle()
    [_, follow_up] = answer_calls(slack)
    assert follow_up.params["thread_ts"] == thread_ts
    assert "AES-256" in follow_up.params["text"]


async def test_log_lines_of_a_slack_request_name_platform_channel_and_partner(
    slack: SlackDriver, world: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ContextFilter())
    with caplog.at_level(logging.INFO, logger="handlers"):
        await slack.mention(
            "can we pay the invoice in bitcoin?", user="U0REP", user_team=OTHER_TEAM
        )
        await slack.settle()
    [gap] = [r for r in caplog.records if "knowledge gap recorded" in r.getMessage()]
    assert (gap.platform, gap.channel, gap.partner) == ("slack", "C0PARTNER", "Acme")  # type: ignore[attr-defined]
    assert gap.request_id != "-"  # type: ignore[attr-defined]


async def test_an_answer_from_a_next_ranked_page_carries_its_warning(
    slack: SlackDriver, world: None, slack_deps: Deps
) -> None:
    await ingest_hedged_pages(slack_deps)
    await slack.mention(HEDGED_QUESTION, user="U0REP", user_team=OTHER_TEAM)
    await slack.settle()
    [answer] = answer_calls(slack)
    shown = answer.block_text()
    assert f":warning: {HEDGED}" in shown
    assert f"[1] {HEDGED_SOURCE}" in shown
    assert set(buttons(answer)) == {"Helpful", "Not helpful"}
