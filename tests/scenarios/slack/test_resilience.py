"""Failures on either side: Slack rate limits us, a handler breaks, a reply is huge."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core import Button, Citation, Fact, Reply, Request
from bot.slack import actions, flow
from handlers import messages
from handlers.caller import Caller
from handlers.deps import Deps
from tests.routing import add_routes
from tests.scenarios.slack.fakes import SlackDriver


async def test_rate_limited_call_is_retried_after_retry_after(slack: SlackDriver) -> None:
    slack.api.fail("chat.postMessage", status=429, retry_after=1)
    await slack.dm("help")
    await slack.settle()
    attempts = slack.calls("chat.postMessage")
    assert len(attempts) == 2  # the 429, then the retry that succeeded
    assert attempts[0].params == attempts[1].params


async def test_a_failing_handler_gets_one_neutral_apology(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        raise RuntimeError("password=hunter2 leaked in an exception")

    add_routes(monkeypatch, commands={"broken": broken})
    with caplog.at_level(logging.ERROR):
        sent = await slack.command("/partnerbot", "broken", user="U0REP")
        await slack.mention("broken", user="U0REP")
        await slack.settle()
    assert sent.status == 200
    assert sent.message()["text"] == messages.APOLOGY
    assert "hunter2" not in sent.body
    [apology] = slack.calls("chat.postEphemeral")  # the mention's
    assert (apology.params["channel"], apology.params["user"]) == ("C0PARTNER", "U0REP")
    assert apology.params["text"] == messages.APOLOGY
    assert all("hunter2" not in str(call.params) for call in slack.calls())
    tracebacks = [r for r in caplog.records if r.exc_info and "hunter2" in str(r.exc_info[1])]
    assert len(tracebacks) == 2


async def test_slack_error_while_answering_ends_in_an_apology(slack: SlackDriver) -> None:
    slack.api.fail("chat.postMessage", status=500)
    await slack.dm("help")
    await slack.settle()
    first, second = slack.calls("chat.postMessage")
    assert "direct message" in first.params["text"]
    assert second.params["text"] == messages.APOLOGY


async def test_oversize_replies_are_cut_to_slack_limits(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = Reply(
        title="T" * 400,
        text="\n".join(f"line {i} " + "x" * 200 for i in range(400)),
        facts=tuple(Fact(f"label {i}", "v" * 3000) for i in range(25)),
        citations=tuple(
            Citation(i, f"doc-{i}", "Title " * 40, "https://kb.example/d") for i in range(30)
        ),
        context=tuple(f"note {i}" for i in range(15)),
        buttons=tuple(Button("B" * 100, f"test-b-{i}") for i in range(30)),
        warning="w" * 5000,
    )

    async def big(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        return [huge]

    add_routes(monkeypatch, commands={"big": big})
    await slack.command("/partnerbot", "big")
    await slack.settle()
    [call] = slack.calls("chat.postMessage")
    blocks = call.blocks()
    assert len(blocks) <= 50
    assert len(call.params["text"]) <= 3000
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= (150 if block["type"] == "header" else 3000)
        assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        assert len(block.get("fields", [])) <= 10
        assert len(block.get("elements", [])) <= (10 if block["type"] == "context" else 25)
    body = "\n".join(b["text"]["text"] for b in blocks if b["block_id"].startswith("pb-body"))
    assert body.startswith("line 0 ") and "shortened" in body
    assert len(body) <= 12000
    [sources] = [b for b in blocks if b["block_id"] == "pb-sources"]
    assert sources["elements"][-1]["text"] == "+22 more"


@pytest.mark.parametrize("outcome", ["answer", "failure"])
async def test_slow_work_on_a_mention_shows_progress_until_done(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch, outcome: str
) -> None:
    async def slow(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
        await asyncio.sleep(0.3)  # stands in for an LLM call
        if outcome == "failure":
            raise RuntimeError("model unavailable")
        return [Reply(text="Here you go", in_thread=True)]

    monkeypatch.setattr(flow, "PROGRESS_AFTER_SECONDS", 0.05)
    add_routes(monkeypatch, commands={"slow": slow})
    await slack.mention("slow")
    await slack.settle()
    [added] = slack.calls("reactions.add")
    [removed] = slack.calls("reactions.remove")
    assert added.params == removed.params
    assert added.params["name"] == "hourglass_flowing_sand"
    methods = [c.method for c in slack.api.api_calls()]
    answer = "chat.postMessage" if outcome == "answer" else "chat.postEphemeral"
    assert methods.index("reactions.add") < methods.index("reactions.remove")
    assert answer in methods


async def test_quick_answers_show_no_progress(slack: SlackDriver) -> None:
    await slack.mention("help")
    await slack.settle()
    assert not slack.calls("reactions.add")


async def test_listener_errors_reach_the_error_boundary(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug inside the listener, before its ack (a forged button value is a 400 now,
    # refused before any listener runs: tests/scenarios/slack/test_hostile_input.py).
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(actions, "from_action", broken)
    with caplog.at_level(logging.ERROR):
        sent = await slack.click("menu-help", user="U0REP")
        await slack.settle()
    assert "Traceback" not in sent.body and "secret detail" not in sent.body
    [apology] = slack.calls("chat.postEphemeral")
    assert apology.params["text"] == messages.APOLOGY
    assert any(r.name == "bot.slack" and r.exc_info for r in caplog.records)
